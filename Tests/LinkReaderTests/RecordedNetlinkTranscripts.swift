import HostHealthModel
import LinkReader

// What the collector and the kernel say to each other, byte by byte in the host's (little-endian)
// order, each field named as <linux/netlink.h>, <linux/rtnetlink.h> and <linux/if_link.h> name
// it. The replies are laid out as Linux 6.18 sent them to these requests in a namespace with a
// veth pair (compared field by field), cut to the attributes the reader decodes: IFLA_STATS64,
// IFLA_CARRIER of lo and the rest are left out. `sequence` is the request's nlmsg_seq, which
// every reply to it carries back.

// MARK: - Requests

/// RTM_GETLINK dump request: every link, every attribute.
func getlinkRequest(sequence: UInt8) -> [UInt8] {
    [
        // struct nlmsghdr
        0x20, 0x00, 0x00, 0x00,  // nlmsg_len 32
        0x12, 0x00,  // nlmsg_type RTM_GETLINK (18)
        0x01, 0x03,  // nlmsg_flags NLM_F_REQUEST|NLM_F_DUMP (0x301)
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        0x00, 0x00, 0x00, 0x00,  // nlmsg_pid 0: to the kernel
        // struct ifinfomsg
        0x00,  // ifi_family AF_UNSPEC
        0x00,  // __ifi_pad
        0x00, 0x00,  // ifi_type
        0x00, 0x00, 0x00, 0x00,  // ifi_index 0: all
        0x00, 0x00, 0x00, 0x00,  // ifi_flags
        0x00, 0x00, 0x00, 0x00,  // ifi_change
    ]
}

/// RTM_GETSTATS dump request for IFLA_STATS_LINK_64 only.
func getstatsRequest(sequence: UInt8) -> [UInt8] {
    [
        // struct nlmsghdr
        0x1C, 0x00, 0x00, 0x00,  // nlmsg_len 28
        0x5E, 0x00,  // nlmsg_type RTM_GETSTATS (94)
        0x01, 0x03,  // nlmsg_flags NLM_F_REQUEST|NLM_F_DUMP (0x301)
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        0x00, 0x00, 0x00, 0x00,  // nlmsg_pid 0: to the kernel
        // struct if_stats_msg
        0x00,  // family AF_UNSPEC
        0x00,  // pad1
        0x00, 0x00,  // pad2
        0x00, 0x00, 0x00, 0x00,  // ifindex 0: all
        0x01, 0x00, 0x00, 0x00,  // filter_mask IFLA_STATS_FILTER_BIT(IFLA_STATS_LINK_64) (1 << 0)
    ]
}

// MARK: - Link dump replies

/// The loopback device in a dump. `flags` is NLM_F_MULTI, with NLM_F_DUMP_INTR (0x12) when links
/// changed while the kernel walked them.
func loopbackReply(sequence: UInt8, flags: UInt8 = 0x02) -> [UInt8] {
    [
        // struct nlmsghdr
        0x38, 0x00, 0x00, 0x00,  // nlmsg_len 56
        0x10, 0x00,  // nlmsg_type RTM_NEWLINK (16)
        flags, 0x00,  // nlmsg_flags
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        0x39, 0x30, 0x00, 0x00,  // nlmsg_pid 12345: our port
        // struct ifinfomsg
        0x00,  // ifi_family AF_UNSPEC
        0x00,  // __ifi_pad
        0x04, 0x03,  // ifi_type ARPHRD_LOOPBACK (772)
        0x01, 0x00, 0x00, 0x00,  // ifi_index 1
        0x49, 0x00, 0x01, 0x00,  // ifi_flags IFF_UP|IFF_LOOPBACK|IFF_RUNNING|IFF_LOWER_UP (0x10049)
        0x00, 0x00, 0x00, 0x00,  // ifi_change
        // rtattr IFLA_IFNAME
        0x07, 0x00, 0x03, 0x00,  // rta_len 7, rta_type IFLA_IFNAME (3)
        0x6C, 0x6F, 0x00, 0x00,  // "lo\0", 1 byte padding
        // rtattr IFLA_MTU
        0x08, 0x00, 0x04, 0x00,  // rta_len 8, rta_type IFLA_MTU (4)
        0x00, 0x00, 0x01, 0x00,  // u32 65536
        // rtattr IFLA_OPERSTATE
        0x05, 0x00, 0x10, 0x00,  // rta_len 5, rta_type IFLA_OPERSTATE (16)
        0x00, 0x00, 0x00, 0x00,  // u8 IF_OPER_UNKNOWN (0), 3 bytes padding
    ]
}

let loopbackLink = Link(index: 1, name: "lo", kind: "loopback", operState: .unknown, adminUp: true, mtu: 65536)

/// One end of a veth pair, up with carrier, as a dump reports it (NLM_F_MULTI).
func htaReply(sequence: UInt8, flags: UInt8 = 0x02) -> [UInt8] {
    htaMessage(sequence: sequence, flags: flags, fromKernel: false, carrier: true)
}

let htaLink = Link(index: 5, name: "hta", kind: "veth", operState: .up, adminUp: true, carrier: true, mtu: 1500)

/// The same link as an event (RTNLGRP_LINK) reports it: no sequence, no flags, port 0. Without
/// carrier it is the news that the peer went down.
func htaEvent(carrier: Bool) -> [UInt8] {
    htaMessage(sequence: 0, flags: 0, fromKernel: true, carrier: carrier)
}

/// `htaLink` after its peer went down.
let htaWithoutCarrier = Link(
    index: 5, name: "hta", kind: "veth", operState: .lowerLayerDown, adminUp: true, carrier: false, mtu: 1500)

/// RTM_NEWLINK of veth end `hta`. Without carrier, IFF_RUNNING and IFF_LOWER_UP are clear and
/// the operstate is IF_OPER_LOWERLAYERDOWN.
private func htaMessage(sequence: UInt8, flags: UInt8, fromKernel: Bool, carrier: Bool) -> [UInt8] {
    let port: UInt8 = fromKernel ? 0x00 : 0x39
    return [
        // struct nlmsghdr
        0x50, 0x00, 0x00, 0x00,  // nlmsg_len 80
        0x10, 0x00,  // nlmsg_type RTM_NEWLINK (16)
        flags, 0x00,  // nlmsg_flags
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        port, fromKernel ? 0x00 : 0x30, 0x00, 0x00,  // nlmsg_pid: 12345 (our port) in a dump, 0 in an event
        // struct ifinfomsg
        0x00,  // ifi_family AF_UNSPEC
        0x00,  // __ifi_pad
        0x01, 0x00,  // ifi_type ARPHRD_ETHER (1)
        0x05, 0x00, 0x00, 0x00,  // ifi_index 5
        // ifi_flags IFF_UP|IFF_BROADCAST|IFF_MULTICAST (0x1003), with carrier |IFF_RUNNING|IFF_LOWER_UP (0x11043)
        carrier ? 0x43 : 0x03, 0x10, carrier ? 0x01 : 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,  // ifi_change
        // rtattr IFLA_IFNAME
        0x08, 0x00, 0x03, 0x00,  // rta_len 8, rta_type IFLA_IFNAME (3)
        0x68, 0x74, 0x61, 0x00,  // "hta\0"
        // rtattr IFLA_MTU
        0x08, 0x00, 0x04, 0x00,  // rta_len 8, rta_type IFLA_MTU (4)
        0xDC, 0x05, 0x00, 0x00,  // u32 1500
        // rtattr IFLA_OPERSTATE
        0x05, 0x00, 0x10, 0x00,  // rta_len 5, rta_type IFLA_OPERSTATE (16)
        carrier ? 0x06 : 0x03, 0x00, 0x00, 0x00,  // u8 IF_OPER_UP (6) or IF_OPER_LOWERLAYERDOWN (3), 3 bytes padding
        // rtattr IFLA_CARRIER
        0x05, 0x00, 0x21, 0x00,  // rta_len 5, rta_type IFLA_CARRIER (33)
        carrier ? 0x01 : 0x00, 0x00, 0x00, 0x00,  // u8 1 or 0, 3 bytes padding
        // rtattr IFLA_LINKINFO, nested
        0x10, 0x00, 0x12, 0x00,  // rta_len 16, rta_type IFLA_LINKINFO (18)
        0x09, 0x00, 0x01, 0x00,  //   rta_len 9, rta_type IFLA_INFO_KIND (1)
        0x76, 0x65, 0x74, 0x68, 0x00, 0x00, 0x00, 0x00,  //   "veth\0", 3 bytes padding
    ]
}

/// NLMSG_DONE ends a dump; its payload is the dump's result, 0 or a negative errno.
func doneReply(sequence: UInt8, flags: UInt8 = 0x02, result: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)) -> [UInt8] {
    [
        // struct nlmsghdr
        0x14, 0x00, 0x00, 0x00,  // nlmsg_len 20
        0x03, 0x00,  // nlmsg_type NLMSG_DONE (3)
        flags, 0x00,  // nlmsg_flags
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        0x39, 0x30, 0x00, 0x00,  // nlmsg_pid 12345: our port
        // int: the dump's result
        result.0, result.1, result.2, result.3,
    ]
}

/// -EMSGSIZE (-90) as a little-endian int: a link too large for the dump's buffer.
let minusEMSGSIZE: (UInt8, UInt8, UInt8, UInt8) = (0xA6, 0xFF, 0xFF, 0xFF)

// MARK: - Statistics dump replies

/// RTM_NEWSTATS for the veth end: `struct if_stats_msg`, then IFLA_STATS_LINK_64 holding
/// `struct rtnl_link_stats64`, cut after tx_dropped (the reader uses the first eight fields).
func htaStatisticsReply(sequence: UInt8) -> [UInt8] {
    [
        // struct nlmsghdr
        0x60, 0x00, 0x00, 0x00,  // nlmsg_len 96
        0x5C, 0x00,  // nlmsg_type RTM_NEWSTATS (92)
        0x02, 0x00,  // nlmsg_flags NLM_F_MULTI
        sequence, 0x00, 0x00, 0x00,  // nlmsg_seq
        0x39, 0x30, 0x00, 0x00,  // nlmsg_pid 12345: our port
        // struct if_stats_msg
        0x00,  // family AF_UNSPEC
        0x00,  // pad1
        0x00, 0x00,  // pad2
        0x05, 0x00, 0x00, 0x00,  // ifindex 5
        0x01, 0x00, 0x00, 0x00,  // filter_mask: IFLA_STATS_LINK_64
        // rtattr IFLA_STATS_LINK_64
        0x44, 0x00, 0x01, 0x00,  // rta_len 68, rta_type IFLA_STATS_LINK_64 (1)
        0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_packets 10
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_packets 20
        0xE8, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // rx_bytes 4_294_968_296 (past 32 bits)
        0xD0, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_bytes 2000
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_errors 1
        0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_errors 2
        0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_dropped 3
        0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_dropped 4
    ]
}

let htaStatistics = LinkStatistics(
    receiveBytes: 4_294_968_296, transmitBytes: 2000, receivePackets: 10, transmitPackets: 20,
    receiveErrors: 1, transmitErrors: 2, receiveDrops: 3, transmitDrops: 4)

// MARK: - Whole conversations

/// A link dump asked with `sequence` and answered in two datagrams: the links, then DONE.
func linkDump(sequence: UInt8) -> [NetlinkExchange] {
    [
        .request(getlinkRequest(sequence: sequence)),
        .reply(loopbackReply(sequence: sequence) + htaReply(sequence: sequence)),
        .reply(doneReply(sequence: sequence)),
    ]
}

/// A link dump the kernel flags NLM_F_DUMP_INTR: a link changed while it was walked.
func interruptedLinkDump(sequence: UInt8) -> [NetlinkExchange] {
    [
        .request(getlinkRequest(sequence: sequence)),
        .reply(loopbackReply(sequence: sequence, flags: 0x12) + doneReply(sequence: sequence, flags: 0x12)),
    ]
}
