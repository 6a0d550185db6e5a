#ifndef CSYSTEM_SHIMS_H
#define CSYSTEM_SHIMS_H

/// System calls Swift cannot make directly (macros, variadic calls, structs behind
/// _GNU_SOURCE) as plain prefixed functions: eventfd and poll, sockets, sd_notify, spawn,
/// pidfd, pipes, SO_PEERCRED and malloc tuning. No C library beyond libc.

#include <stddef.h>
#include <stdint.h>

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

/// The peer of a Unix stream socket as the kernel recorded it at connect (SO_PEERCRED):
/// `struct ucred`, re-declared because it needs _GNU_SOURCE, which Swift's Glibc lacks.
struct hh_ucred {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
};

/// SO_PEERCRED, for reading a `struct hh_ucred` with getsockopt(SOL_SOCKET, ...).
int hh_so_peercred(void);

/// Starts the program at `path` (no PATH search) with `argv` and `envp` (NULL-terminated) by
/// posix_spawn: in a process group of its own (so a timeout can kill all it started), with
/// every signal at its default and none blocked, stdin from /dev/null, stdout to `stdout_fd`
/// and stderr to `stderr_fd` (-1: /dev/null), and no other descriptor inherited.
/// Returns the pid, or -errno (e.g. -ENOENT, -EACCES when it cannot be executed).
int hh_spawn(const char *path, char *const argv[], char *const envp[], int stdout_fd, int stderr_fd);

/// A pipe for a child's output: both ends close-on-exec (never leaked to another child), the
/// read end (fds[0]) non-blocking, the write end blocking as programs expect. 0 or -errno.
int hh_pipe(int fds[2]);

/// pidfd_open(2): a descriptor that becomes readable when `pid` exits; -errno on failure.
int hh_pidfd_open(int pid);

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are reparented to this process
/// rather than to init. 0 or -errno.
int hh_become_child_subreaper(void);

#endif
