internal import CMnl
internal import CNetlinkShims
internal import CSystemShims
internal import Glibc
internal import HostSystem

extension HostHealthError {
    /// A netlink operation that failed with `errno`; the message names the operation.
    static func netlink(_ operation: String, _ errno: Errno, file: String = #fileID, line: Int = #line) -> HostHealthError {
        HostHealthError(.netlink, "netlink \(operation) failed: \(errno) (errno \(errno.rawValue))", cause: errno, file: file, line: line)
    }
}

/// An rtnetlink socket: the one place the link reader opens, sends and receives through libmnl.
/// It is not thread-safe; each owner uses it from one thread at a time.
final class NetlinkSocket: NetlinkTransport, @unchecked Sendable {
    private let socket: OpaquePointer
    private var buffer: UnsafeMutableRawBufferPointer

    /// Opens a NETLINK_ROUTE socket in `netns` (a path such as /run/netns/NAME; nil: ours),
    /// subscribed to `groups` (RTMGRP_* bits; 0: none).
    init(netns: String?, groups: UInt32, eventBufferBytes: Int32 = 4 * 1024 * 1024) throws(HostHealthError) {
        let opened: OpaquePointer? = if let netns {
            netns.withCString { hh_mnl_socket_open_in_netns($0, NETLINK_ROUTE) }
        } else {
            hh_mnl_socket_open_in_netns(nil, NETLINK_ROUTE)
        }
        guard let opened else { throw HostHealthError.netlink("open", Errno(rawValue: Self.lastErrno())) }
        guard mnl_socket_bind(opened, groups, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = Self.lastErrno()
            mnl_socket_close(opened)
            throw HostHealthError.netlink("bind", Errno(rawValue: code))
        }
        socket = opened
        // Large enough for any dump chunk the kernel builds (it caps them near 32 KiB).
        buffer = .allocate(byteCount: max(64 * 1024, Int(hh_mnl_socket_buffer_size())), alignment: 8)
        if groups != 0 {
            // Room for a burst of events (a flood of link changes) before the kernel drops any.
            // SO_RCVBUFFORCE passes net.core.rmem_max with CAP_NET_ADMIN; without it the kernel
            // caps SO_RCVBUF there, and ENOBUFS plus a fresh dump covers the rest.
            if hh_setsockopt_int(fileDescriptor, SOL_SOCKET, SO_RCVBUFFORCE, eventBufferBytes) != 0 {
                _ = hh_setsockopt_int(fileDescriptor, SOL_SOCKET, SO_RCVBUF, eventBufferBytes)
            }
        } else {
            // A dump the kernel does not answer must not hold a scrape forever.
            _ = hh_set_receive_timeout(fileDescriptor, 2000)
        }
    }

    deinit {
        mnl_socket_close(socket)
        buffer.deallocate()
    }

    var fileDescriptor: Int32 { mnl_socket_get_fd(socket) }

    /// Sends one request datagram to the kernel.
    func send(_ request: [UInt8]) throws(HostHealthError) {
        let sent = request.withUnsafeBytes { mnl_socket_sendto(socket, $0.baseAddress, $0.count) }
        if sent < 0 { throw HostHealthError.netlink("send", Errno(rawValue: Self.lastErrno())) }
    }

    /// Receives one datagram into the socket's buffer and hands it to `body`.
    func receive<Result>(wait: Bool, _ body: (UnsafeRawBufferPointer) -> Result) throws(HostHealthError) -> Result {
        let received = hh_recv(fileDescriptor, buffer.baseAddress, buffer.count, wait ? 0 : 1)
        if received < 0 { throw HostHealthError.netlink("receive", Errno(rawValue: Int32(-received))) }
        return body(UnsafeRawBufferPointer(rebasing: buffer[..<Int(received)]))
    }

    private static func lastErrno() -> Int32 {
        errno
    }
}
