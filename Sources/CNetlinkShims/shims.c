#define _GNU_SOURCE
#include "CNetlinkShims.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

size_t hh_mnl_socket_buffer_size(void) {
    return MNL_SOCKET_BUFFER_SIZE;
}

struct mnl_socket *hh_mnl_socket_open_in_netns(const char *netns_path, int bus) {
    if (netns_path == NULL) {
        return mnl_socket_open(bus);
    }
    int original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original < 0) {
        return NULL;
    }
    int target = open(netns_path, O_RDONLY | O_CLOEXEC);
    if (target < 0) {
        int saved = errno;
        close(original);
        errno = saved;
        return NULL;
    }
    struct mnl_socket *socket = NULL;
    if (setns(target, CLONE_NEWNET) == 0) {
        socket = mnl_socket_open(bus);
        int saved = errno;
        if (setns(original, CLONE_NEWNET) != 0) {
            /* The thread would stay in the wrong namespace: refuse rather than continue. */
            if (socket != NULL) {
                mnl_socket_close(socket);
                socket = NULL;
            }
        } else {
            errno = saved;
        }
    }
    int saved = errno;
    close(target);
    close(original);
    errno = saved;
    return socket;
}
