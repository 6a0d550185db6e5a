#ifndef CNETLINK_SHIMS_H
#define CNETLINK_SHIMS_H

/// libmnl's macros and the network-namespace switch as plain prefixed functions; only the
/// link reader needs them, so only it links libmnl.

#include <stddef.h>
#include <libmnl/libmnl.h>

/// MNL_SOCKET_BUFFER_SIZE calls sysconf(): a macro Swift cannot import.
size_t hh_mnl_socket_buffer_size(void);

/// Opens a netlink socket of `bus` inside the network namespace at `netns_path`
/// (e.g. /run/netns/NAME), or in the caller's namespace when `netns_path` is NULL.
/// The namespace switch is confined to the calling thread and undone before returning:
/// a socket keeps the namespace it was created in. Returns NULL with errno set.
struct mnl_socket *hh_mnl_socket_open_in_netns(const char *netns_path, int bus);

#endif
