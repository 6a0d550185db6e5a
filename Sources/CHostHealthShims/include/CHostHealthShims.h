#ifndef CHOSTHEALTH_SHIMS_H
#define CHOSTHEALTH_SHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

/// MNL_SOCKET_BUFFER_SIZE calls sysconf(): a macro Swift cannot import.
size_t hh_mnl_socket_buffer_size(void);

/// Opens a netlink socket of `bus` inside the network namespace at `netns_path`
/// (e.g. /run/netns/NAME), or in the caller's namespace when `netns_path` is NULL.
/// The namespace switch is confined to the calling thread and undone before returning:
/// a socket keeps the namespace it was created in. Returns NULL with errno set.
struct mnl_socket *hh_mnl_socket_open_in_netns(const char *netns_path, int bus);

/// Sends `message` as one datagram to the sd_notify socket `socket_path`
/// ("@name" means the abstract namespace). Returns 0 or -errno.
int hh_sd_notify(const char *socket_path, const char *message);

/// An eventfd used to wake a thread blocked in hh_wait_readable.
int hh_eventfd_create(void);
int hh_eventfd_signal(int fd);
void hh_eventfd_drain(int fd);

/// Blocks until `fd` or `wake_fd` is readable, or `timeout_ms` passes (-1: forever).
/// Returns 1 when `fd` is readable, 2 when `wake_fd` is, 0 on timeout, -errno on error.
int hh_wait_readable(int fd, int wake_fd, int timeout_ms);

/// Sets SO_RCVTIMEO; returns 0 or -errno.
int hh_set_receive_timeout(int fd, int milliseconds);

/// Sets an integer socket option; returns 0 or -errno.
int hh_setsockopt_int(int fd, int level, int option, int value);

/// Receives one datagram without blocking the caller when `dontwait` is set; returns the
/// length, or -errno (-ENOBUFS when the kernel dropped messages for this socket).
long hh_recv(int fd, void *buffer, size_t length, int dontwait);

/// Keeps a long-running daemon's heap from holding on to the large, short-lived buffers of a
/// scrape: fixed mmap and trim thresholds (glibc otherwise raises them after each large free)
/// and at most two malloc arenas.
void hh_tune_malloc(void);

/// Runs `path` with `argv` (NULL-terminated) in a process group of its own: stdin and stderr on
/// /dev/null, stdout read into `output` (up to `capacity` bytes; the rest is read and dropped).
/// The group is killed with SIGKILL when it runs past `timeout_ms`, and the child is always
/// reaped. Returns 0 with *length, *wait_status and *timed_out set, or -errno when it could not
/// start (-ENOENT: no such program, -EACCES: not executable).
int hh_run_with_deadline(const char *path, char *const argv[], int timeout_ms,
                         uint8_t *output, size_t capacity, size_t *length, int *wait_status, int *timed_out);

#endif
