internal import CMnl
internal import Glibc

/// A dump request as the collector sends it: `struct nlmsghdr` with NLM_F_REQUEST|NLM_F_DUMP
/// and the family header of what is asked for, laid out by libmnl on the kernel's structs.
enum DumpRequest {
    /// RTM_GETLINK: every attribute of every link.
    case links
    /// RTM_GETSTATS with IFLA_STATS_LINK_64 only: the counters, a fraction of the kernel's work
    /// and of the bytes of a link dump.
    case statistics

    /// The request's bytes; the replies carry `sequence` back.
    func bytes(sequence: UInt32) -> [UInt8] {
        var request = [UInt8](repeating: 0, count: 64)
        let length = request.withUnsafeMutableBytes { raw -> Int in
            let header = mnl_nlmsg_put_header(raw.baseAddress)!
            header.pointee.nlmsg_flags = UInt16(NLM_F_REQUEST | NLM_F_DUMP)
            header.pointee.nlmsg_seq = sequence
            switch self {
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
            return Int(header.pointee.nlmsg_len)
        }
        return Array(request[..<length])
    }
}
