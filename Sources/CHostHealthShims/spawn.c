#define _GNU_SOURCE
#include "CHostHealthShims.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long hh_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static void hh_kill_group(pid_t pid) {
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
}

int hh_run_with_deadline(const char *path, char *const argv[], int timeout_ms,
                         uint8_t *output, size_t capacity, size_t *length, int *wait_status, int *timed_out) {
    *length = 0;
    *wait_status = 0;
    *timed_out = 0;
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) return -errno;

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawnattr_init(&attributes);
    sigset_t empty, defaults;
    sigemptyset(&empty);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGHUP);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    pid_t pid;
    int spawned = posix_spawn(&pid, path, &actions, &attributes, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(pipe_fds[1]);
    if (spawned != 0) {
        close(pipe_fds[0]);
        return -spawned;
    }

    long long deadline = hh_now_ms() + timeout_ms;
    uint8_t sink[4096];
    for (;;) {
        long long left = deadline - hh_now_ms();
        if (left <= 0) {
            hh_kill_group(pid);
            *timed_out = 1;
            break;
        }
        struct pollfd ready = {.fd = pipe_fds[0], .events = POLLIN};
        int polled = poll(&ready, 1, (int)left);
        if (polled < 0 && errno == EINTR) continue;
        if (polled <= 0) continue;  // timeout: checked at the top
        uint8_t *into = *length < capacity ? output + *length : sink;
        size_t room = *length < capacity ? capacity - *length : sizeof(sink);
        ssize_t count = read(pipe_fds[0], into, room);
        if (count < 0 && errno == EINTR) continue;
        if (count <= 0) break;  // end of output
        if (into != sink) *length += (size_t)count;
    }
    close(pipe_fds[0]);

    // Output ended; the program may still linger (or hold a child): it gets the same deadline.
    for (;;) {
        pid_t done = waitpid(pid, wait_status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) break;
        if (done == 0 && hh_now_ms() >= deadline) {
            hh_kill_group(pid);
            *timed_out = 1;
            while (waitpid(pid, wait_status, 0) < 0 && errno == EINTR) {}
            break;
        }
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    if (*timed_out) kill(-pid, SIGKILL);  // anything left in the group
    return 0;
}
