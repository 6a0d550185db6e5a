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

/// An rtnetlink socket: the one place the link reader calls libmnl. It is not thread-safe;
/// each owner uses it from one thread at a time.
final class NetlinkSocket: @unchecked Sendable {
    private let socket: OpaquePointer
    private var sequence: UInt32 = 1
    private var buffer: UnsafeMutableRawBufferPointer

    /// Opens a NETLINK_ROUTE socket in `netns` (a path such as /run/netns/NAME; nil: ours),
    /// subscribed to `groups` (RTMGRP_* bits; 0: none).
    init(netns: String?, groups: UInt32, eventBufferBytes: Int32 = 4 * 1024 * 1024) throws(HostHealthError) {
        let opened: OpaquePointer? = if let netns {
            netns.withCString { hh_mnl_socket_open_in_netns($0, NETLINK_ROUTE) }
        } else {
            hh_mnl_socket_open_in_netns(nil, NETLINK_ROUTE)
        }
        guard let opened else { throw .netlink("open", Errno(rawValue: Self.lastErrno())) }
        guard mnl_socket_bind(opened, groups, pid_t(MNL_SOCKET_AUTOPID)) == 0 else {
            let code = Self.lastErrno()
            mnl_socket_close(opened)
            throw .netlink("bind", Errno(rawValue: code))
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

    /// What a dump request asks for.
    enum DumpKind {
        /// RTM_GETLINK: every attribute of every link.
        case links
        /// RTM_GETSTATS with IFLA_STATS_LINK_64 only: the counters, a fraction of the
        /// kernel's work and of the bytes of a link dump.
        case statistics
    }

    /// Sends a dump request; the replies arrive through `receive`.
    func requestDump(_ kind: DumpKind) throws(HostHealthError) {
        sequence &+= 1
        var request = [UInt8](repeating: 0, count: 64)
        let sequence = self.sequence
        let sent = request.withUnsafeMutableBytes { raw -> Int in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST | NLM_F_DUMP)
            header.pointee.nlmsg_seq = sequence
            switch kind {
            case .links:
                header.pointee.nlmsg_type = UInt16(RTM_GETLINK)
                let info = mnl_nlmsg_put_extra_header(header, MemoryLayout<ifinfomsg>.size)!
                info.assumingMemoryBound(to: ifinfomsg.self).pointee.ifi_family = UInt8(AF_UNSPEC)
            case .statistics:
                header.pointee.nlmsg_type = UInt16(RTM_GETSTATS)
                let message = mnl_nlmsg_put_extra_header(header, MemoryLayout<if_stats_msg>.size)!
                    .assumingMemoryBound(to: if_stats_msg.self)
                message.pointee.family = UInt8(AF_UNSPEC)
                message.pointee.filter_mask = 1 << (UInt32(IFLA_STATS_LINK_64) - 1)
            }
            return mnl_socket_sendto(socket, header, Int(header.pointee.nlmsg_len))
        }
        if sent < 0 { throw .netlink("send", Errno(rawValue: Self.lastErrno())) }
    }

    /// Receives one datagram and parses it. With `wait` false, returns nil when nothing is
    /// queued. Throws ENOBUFS when the kernel had to drop messages for this socket.
    func receive(wait: Bool) throws(HostHealthError) -> NetlinkParseResult? {
        let received = hh_recv(fileDescriptor, buffer.baseAddress, buffer.count, wait ? 0 : 1)
        if received < 0 {
            let code = Int32(-received)
            if code == EAGAIN || code == EWOULDBLOCK {
                if wait { throw .netlink("receive (no answer within 2 s)", Errno(rawValue: code)) }
                return nil
            }
            throw .netlink("receive", Errno(rawValue: code))
        }
        return RTNetlinkParser.parse(UnsafeRawBufferPointer(rebasing: buffer[..<Int(received)]))
    }

    private static func lastErrno() -> Int32 {
        errno
    }
}
