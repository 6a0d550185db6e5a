import HostHealthModel
import LinkReader
import Testing

// Kernel constants as <linux/netlink.h>, <linux/rtnetlink.h>, <linux/if_link.h>, <linux/if.h>
// and <linux/if_arp.h> spell them, written out so the fixtures do not depend on the parser's.
private let NLMSG_ERROR: UInt16 = 2
private let NLMSG_DONE: UInt16 = 3
private let RTM_NEWLINK: UInt16 = 16
private let RTM_DELLINK: UInt16 = 17
private let RTM_NEWADDR: UInt16 = 20
private let NLM_F_MULTI: UInt16 = 0x2
private let NLM_F_DUMP_INTR: UInt16 = 0x10
private let NLA_F_NESTED: UInt16 = 0x8000
private let ARPHRD_ETHER: UInt16 = 1
private let ARPHRD_LOOPBACK: UInt16 = 772
private let IFF_UP: UInt32 = 0x1
private let IFF_BROADCAST: UInt32 = 0x2
private let IFF_LOOPBACK: UInt32 = 0x8
private let IFF_RUNNING: UInt32 = 0x40
private let IFF_MULTICAST: UInt32 = 0x1000
private let IFF_LOWER_UP: UInt32 = 0x10000
private let IFLA_ADDRESS: UInt16 = 1
private let IFLA_IFNAME: UInt16 = 3
private let IFLA_MTU: UInt16 = 4
private let IFLA_STATS: UInt16 = 7
private let IFLA_OPERSTATE: UInt16 = 16
private let IFLA_LINKINFO: UInt16 = 18
private let IFLA_STATS64: UInt16 = 23
private let IFLA_CARRIER: UInt16 = 33
private let IFLA_CARRIER_CHANGES: UInt16 = 35
private let IFLA_CARRIER_UP_COUNT: UInt16 = 47
private let IFLA_CARRIER_DOWN_COUNT: UInt16 = 48
private let IFLA_PERM_ADDRESS: UInt16 = 54
private let IFLA_INFO_KIND: UInt16 = 1
private let IF_OPER_DOWN: UInt8 = 2
private let IF_OPER_UP: UInt8 = 6
private let EPERM: Int32 = 1
private let EMSGSIZE: Int32 = 90

// MARK: - Building kernel replies

/// `struct nlmsghdr` (len, type, flags, seq, pid) followed by `payload`, padded to 4 bytes.
private func nlmsg(
    type: UInt16, flags: UInt16 = NLM_F_MULTI, seq: UInt32 = 42, pid: UInt32 = 12345, _ payload: [UInt8]
) -> [UInt8] {
    let header = u32le(UInt32(16 + payload.count)) + u16le(type) + u16le(flags) + u32le(seq) + u32le(pid)
    return padded(header + payload)
}

/// `struct ifinfomsg`: family AF_UNSPEC, pad, device type, index, flags, change 0.
private func ifinfomsg(type: UInt16 = ARPHRD_ETHER, index: Int32, flags: UInt32 = IFF_UP) -> [UInt8] {
    [0, 0] + u16le(type) + u32le(UInt32(bitPattern: index)) + u32le(flags) + u32le(0)
}

/// `struct rtattr` (len, type) followed by `payload`, padded to 4 bytes; rta_len counts no padding.
private func rtattr(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
    padded(u16le(UInt16(4 + payload.count)) + u16le(type) + payload)
}

private func padded(_ bytes: [UInt8]) -> [UInt8] {
    bytes + [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4)
}

private func u16le(_ value: UInt16) -> [UInt8] {
    (0..<2).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

private func u32le(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

private func u64le(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

private func cString(_ text: String) -> [UInt8] {
    Array(text.utf8) + [0]
}

/// `struct rtnl_link_stats64`: rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors,
/// rx_dropped, tx_dropped, then whatever follows (multicast, collisions, …).
private func stats64(_ fields: UInt64...) -> [UInt8] {
    fields.flatMap(u64le)
}

/// `struct rtnl_link_stats`: the same fields as 32-bit counters.
private func stats32(_ fields: UInt32...) -> [UInt8] {
    fields.flatMap(u32le)
}

/// An RTM_NEWLINK (or `type`) with a name and whatever attributes the case is about.
private func linkMessage(
    type: UInt16 = RTM_NEWLINK, flags: UInt16 = NLM_F_MULTI, deviceType: UInt16 = ARPHRD_ETHER,
    index: Int32, name: String?, ifiFlags: UInt32 = IFF_UP, _ attributes: [UInt8] = []
) -> [UInt8] {
    let nameAttribute = name.map { rtattr(IFLA_IFNAME, cString($0)) } ?? []
    return nlmsg(type: type, flags: flags, ifinfomsg(type: deviceType, index: index, flags: ifiFlags) + nameAttribute + attributes)
}

/// NLMSG_DONE ends a dump; its payload is the dump's int result: 0, or a negative errno when
/// the kernel had to give up on the dump (netlink_dump() copies the callback's error there).
private func done(flags: UInt16 = NLM_F_MULTI, result: Int32 = 0) -> [UInt8] {
    nlmsg(type: NLMSG_DONE, flags: flags, u32le(UInt32(bitPattern: result)))
}

/// NLMSG_ERROR: a negative errno (0: an acknowledgement) and the header of the request it answers.
private func nlmsgError(_ code: Int32) -> [UInt8] {
    let request = u32le(32) + u16le(18) + u16le(0x301) + u32le(42) + u32le(0)  // RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP
    return nlmsg(type: NLMSG_ERROR, flags: 0, u32le(UInt32(bitPattern: code)) + request)
}

private extension NetlinkParseResult {
    var links: [Link] {
        messages.compactMap { if case .link(let link) = $0 { link } else { nil } }
    }
}

// MARK: - Fixtures

/// A veth end as a dump reports it, written out byte by byte rather than through the builders
/// above, so the layout is checked against the kernel's structs and not against the helpers.
private let vethReply: [UInt8] = [
    // struct nlmsghdr
    0xC8, 0x00, 0x00, 0x00,  // nlmsg_len 200
    0x10, 0x00,  // nlmsg_type RTM_NEWLINK (16)
    0x02, 0x00,  // nlmsg_flags NLM_F_MULTI
    0x2A, 0x00, 0x00, 0x00,  // nlmsg_seq 42
    0x39, 0x30, 0x00, 0x00,  // nlmsg_pid 12345
    // struct ifinfomsg
    0x00,  // ifi_family AF_UNSPEC
    0x00,  // __ifi_pad
    0x01, 0x00,  // ifi_type ARPHRD_ETHER (1)
    0x07, 0x00, 0x00, 0x00,  // ifi_index 7
    0x43, 0x10, 0x01, 0x00,  // ifi_flags IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_MULTICAST|IFF_LOWER_UP (0x11043)
    0x00, 0x00, 0x00, 0x00,  // ifi_change 0
    // rtattr IFLA_IFNAME
    0x0A, 0x00, 0x03, 0x00,  // rta_len 10, rta_type IFLA_IFNAME (3)
    0x76, 0x65, 0x74, 0x68, 0x30, 0x00, 0x00, 0x00,  // "veth0\0", 2 bytes padding
    // rtattr IFLA_MTU
    0x08, 0x00, 0x04, 0x00,  // rta_len 8, rta_type IFLA_MTU (4)
    0xDC, 0x05, 0x00, 0x00,  // u32 1500
    // rtattr IFLA_OPERSTATE
    0x05, 0x00, 0x10, 0x00,  // rta_len 5, rta_type IFLA_OPERSTATE (16)
    0x06, 0x00, 0x00, 0x00,  // u8 IF_OPER_UP (6), 3 bytes padding
    // rtattr IFLA_CARRIER
    0x05, 0x00, 0x21, 0x00,  // rta_len 5, rta_type IFLA_CARRIER (33)
    0x01, 0x00, 0x00, 0x00,  // u8 1, 3 bytes padding
    // rtattr IFLA_CARRIER_CHANGES
    0x08, 0x00, 0x23, 0x00,  // rta_len 8, rta_type IFLA_CARRIER_CHANGES (35)
    0x03, 0x00, 0x00, 0x00,  // u32 3
    // rtattr IFLA_CARRIER_UP_COUNT
    0x08, 0x00, 0x2F, 0x00,  // rta_len 8, rta_type IFLA_CARRIER_UP_COUNT (47)
    0x02, 0x00, 0x00, 0x00,  // u32 2
    // rtattr IFLA_CARRIER_DOWN_COUNT
    0x08, 0x00, 0x30, 0x00,  // rta_len 8, rta_type IFLA_CARRIER_DOWN_COUNT (48)
    0x01, 0x00, 0x00, 0x00,  // u32 1
    // rtattr IFLA_ADDRESS
    0x0A, 0x00, 0x01, 0x00,  // rta_len 10, rta_type IFLA_ADDRESS (1)
    0x02, 0x42, 0xAC, 0x11, 0x00, 0x02, 0x00, 0x00,  // 02:42:ac:11:00:02, 2 bytes padding
    // rtattr IFLA_PERM_ADDRESS
    0x0A, 0x00, 0x36, 0x00,  // rta_len 10, rta_type IFLA_PERM_ADDRESS (54)
    0x0E, 0xC1, 0x5A, 0x7F, 0x33, 0xE0, 0x00, 0x00,  // 0e:c1:5a:7f:33:e0, 2 bytes padding
    // rtattr IFLA_STATS64: struct rtnl_link_stats64, its first eight u64 fields
    0x44, 0x00, 0x17, 0x00,  // rta_len 68, rta_type IFLA_STATS64 (23)
    0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_packets 10
    0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_packets 20
    0xE8, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,  // rx_bytes 4_294_968_296 (0x1_0000_03E8: past 32 bits)
    0xD0, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_bytes 2000
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_errors 1
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_errors 2
    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // rx_dropped 3
    0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // tx_dropped 4
    // rtattr IFLA_LINKINFO, nested
    0x10, 0x00, 0x12, 0x00,  // rta_len 16, rta_type IFLA_LINKINFO (18)
    0x09, 0x00, 0x01, 0x00,  //   rta_len 9, rta_type IFLA_INFO_KIND (1)
    0x76, 0x65, 0x74, 0x68, 0x00, 0x00, 0x00, 0x00,  //   "veth\0", 3 bytes padding
]

/// The same reply as `vethReply`, through the builders.
private let vethReplyBuilt: [UInt8] = nlmsg(
    type: RTM_NEWLINK, flags: NLM_F_MULTI, seq: 42, pid: 12345,
    ifinfomsg(type: ARPHRD_ETHER, index: 7, flags: IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP)
        + rtattr(IFLA_IFNAME, cString("veth0"))
        + rtattr(IFLA_MTU, u32le(1500))
        + rtattr(IFLA_OPERSTATE, [IF_OPER_UP])
        + rtattr(IFLA_CARRIER, [1])
        + rtattr(IFLA_CARRIER_CHANGES, u32le(3))
        + rtattr(IFLA_CARRIER_UP_COUNT, u32le(2))
        + rtattr(IFLA_CARRIER_DOWN_COUNT, u32le(1))
        + rtattr(IFLA_ADDRESS, [0x02, 0x42, 0xAC, 0x11, 0x00, 0x02])
        + rtattr(IFLA_PERM_ADDRESS, [0x0E, 0xC1, 0x5A, 0x7F, 0x33, 0xE0])
        + rtattr(IFLA_STATS64, stats64(10, 20, 4_294_968_296, 2000, 1, 2, 3, 4))
        + rtattr(IFLA_LINKINFO, rtattr(IFLA_INFO_KIND, cString("veth"))))

private let vethLink = Link(
    index: 7, name: "veth0", kind: "veth", operState: .up, adminUp: true, carrier: true,
    carrierChanges: 3, carrierUpCount: 2, carrierDownCount: 1, mtu: 1500,
    address: "02:42:ac:11:00:02", permanentAddress: "0e:c1:5a:7f:33:e0",
    statistics: LinkStatistics(
        receiveBytes: 4_294_968_296, transmitBytes: 2000, receivePackets: 10, transmitPackets: 20,
        receiveErrors: 1, transmitErrors: 2, receiveDrops: 3, transmitDrops: 4))

/// A NIC with no IFLA_LINKINFO, as a physical device is reported.
private let eth0Reply = linkMessage(
    index: 2, name: "eth0", ifiFlags: IFF_UP | IFF_RUNNING | IFF_LOWER_UP,
    rtattr(IFLA_MTU, u32le(9000)) + rtattr(IFLA_OPERSTATE, [IF_OPER_UP]) + rtattr(IFLA_CARRIER, [1]))

private let eth0Link = Link(index: 2, name: "eth0", kind: "physical", operState: .up, adminUp: true, carrier: true, mtu: 9000)

/// A second NIC, to stand next to a damaged message.
private let eth1Reply = linkMessage(index: 3, name: "eth1", rtattr(IFLA_OPERSTATE, [IF_OPER_DOWN]))

private let eth1Link = Link(index: 3, name: "eth1", kind: "physical", operState: .down, adminUp: true)

/// The last chunk of a dump of two links.
private let twoLinkDump = eth0Reply + vethReply + done()

// MARK: - Tests

@Suite("RTNetlinkParser: link messages from annotated kernel replies")
struct RTNetlinkParserTests {
    @Test func buildersWriteTheSameBytesAsTheAnnotatedReply() {
        #expect(vethReplyBuilt == vethReply)
    }

    @Test func aVethLinkDecodesEveryField() {
        let result = RTNetlinkParser.parse(vethReply)
        #expect(result.messages == [.link(vethLink)])
        #expect(result.skipped.isEmpty)
        #expect(!result.done)
        #expect(result.error == nil)
        #expect(!result.interrupted)
    }

    @Test func nestedFlagOnLinkInfoStillYieldsTheKind() {
        let reply = linkMessage(
            index: 4, name: "br0", rtattr(IFLA_LINKINFO | NLA_F_NESTED, rtattr(IFLA_INFO_KIND, cString("bridge"))))
        #expect(RTNetlinkParser.parse(reply).links.map(\.kind) == ["bridge"])
    }

    @Test func loopbackWithoutLinkInfoIsKindLoopback() {
        let reply = linkMessage(
            deviceType: ARPHRD_LOOPBACK, index: 1, name: "lo", ifiFlags: IFF_UP | IFF_LOOPBACK | IFF_RUNNING,
            rtattr(IFLA_MTU, u32le(65536)) + rtattr(IFLA_OPERSTATE, [0]))
        #expect(RTNetlinkParser.parse(reply).links.map(\.kind) == ["loopback"])
    }

    /// IFLA_PARENT_DEV_NAME (56) and IFLA_PARENT_DEV_BUS_NAME (57), Linux 5.14: the PCI
    /// address a baseline declares as the link's `pci_path`; another bus carries its name.
    @Test func theParentDeviceIsThePCIAddressOrBusAndDevice() {
        let pci = linkMessage(index: 2, name: "eth0", rtattr(56, cString("0000:3b:00.0")) + rtattr(57, cString("pci")))
        #expect(RTNetlinkParser.parse(pci).links.first?.parentDevice == "0000:3b:00.0")
        let virtio = linkMessage(index: 3, name: "eth1", rtattr(56, cString("virtio2")) + rtattr(57, cString("virtio")))
        #expect(RTNetlinkParser.parse(virtio).links.first?.parentDevice == "virtio:virtio2")
    }

    @Test func aDeviceWithoutKindIsPhysical() {
        #expect(RTNetlinkParser.parse(eth0Reply).messages == [.link(eth0Link)])
    }

    /// Names are bytes to the kernel: two that differ only in bytes that are not UTF-8 must
    /// stay two links, a backslash beside such bytes is escaped too, and a valid name is kept.
    @Test(arguments: [
        ([0x78, 0xFF] as [UInt8], #"x\xff"#), ([0x78, 0xFE], #"x\xfe"#), ([0x5C, 0xFF], #"\\\xff"#), ([0x71, 0x22, 0x5C, 0x61], #"q"\a"#),
        ([0x65, 0x74, 0x68, 0xC3, 0xA9], "ethé"), ([0xC3, 0x28, 0x61], #"\xc3(a"#), ([0x61, 0x01], "a\u{1}"),
    ])
    func aNameKeepsEveryByteDistinct(_ bytes: [UInt8], _ name: String) {
        let reply = linkMessage(index: 7, name: nil, rtattr(IFLA_IFNAME, bytes + [0]))
        #expect(RTNetlinkParser.parse(reply).links.map(\.name) == [name])
    }

    @Test func adminUpFollowsIFF_UP() {
        let down = linkMessage(index: 2, name: "eth0", ifiFlags: IFF_BROADCAST | IFF_MULTICAST)
        #expect(RTNetlinkParser.parse(down).links.map(\.adminUp) == [false])
    }

    @Test(arguments: [
        (UInt8(0), OperState.unknown), (1, .notPresent), (2, .down), (3, .lowerLayerDown), (4, .testing),
        (5, .dormant), (6, .up), (9, .unknown),
    ] as [(UInt8, OperState)])
    func operstateFollowsIFLA_OPERSTATE(_ value: UInt8, _ state: OperState) {
        let reply = linkMessage(index: 2, name: "eth0", rtattr(IFLA_OPERSTATE, [value]))
        #expect(RTNetlinkParser.parse(reply).links.map(\.operState) == [state])
    }

    @Test func anOperstateFromANewerKernelIsUnknownNotDown() {
        let reply = linkMessage(index: 2, name: "eth0", rtattr(IFLA_OPERSTATE, [9]))
        let link = RTNetlinkParser.parse(reply).links.first
        #expect(link?.operState == .unknown)
        #expect(link?.operState != .down)
    }

    @Test func dellinkIsARemovalByIndexAndName() {
        let reply = linkMessage(type: RTM_DELLINK, flags: 0, index: 7, name: "veth0", ifiFlags: 0)
        #expect(RTNetlinkParser.parse(reply).messages == [.removed(index: 7, name: "veth0")])
    }

    @Test func aDumpChunkWithTwoLinksThenDoneIsDone() {
        let result = RTNetlinkParser.parse(twoLinkDump)
        #expect(result.messages == [.link(eth0Link), .link(vethLink)])
        #expect(result.done)
        #expect(result.error == nil)
        #expect(result.skipped.isEmpty)
    }

    @Test func aDumpChunkWithoutDoneIsNotDone() {
        #expect(!RTNetlinkParser.parse(eth0Reply + vethReply).done)
    }

    @Test func errorWithEPERMIsReported() {
        let result = RTNetlinkParser.parse(nlmsgError(-EPERM))
        #expect(result.error == -1)
        #expect(result.messages.isEmpty)
    }

    @Test func errorZeroIsAnAcknowledgementNotAnError() {
        #expect(RTNetlinkParser.parse(nlmsgError(0)).error == nil)
    }

    @Test func doneCarryingANegativeErrnoIsAnError() {
        // iproute2 (rtnl_dump_done) reports this as "Error: Buffer too small for object."; the
        // links before it are not all the links there are.
        let result = RTNetlinkParser.parse(eth0Reply + done(result: -EMSGSIZE))
        #expect(result.done)
        #expect(result.error == -EMSGSIZE)
    }

    @Test func dumpInterruptedFlagMarksTheResultInterrupted() {
        let reply = linkMessage(flags: NLM_F_MULTI | NLM_F_DUMP_INTR, index: 2, name: "eth0") + done(flags: NLM_F_MULTI | NLM_F_DUMP_INTR)
        let result = RTNetlinkParser.parse(reply)
        #expect(result.interrupted)
        #expect(result.done)
        #expect(result.links.map(\.name) == ["eth0"])
    }

    @Test func anUninterruptedDumpIsNotMarkedInterrupted() {
        #expect(!RTNetlinkParser.parse(twoLinkDump).interrupted)
    }

    @Test func thirtyTwoBitStatsAreUsedWhenStats64IsAbsent() {
        let reply = linkMessage(index: 2, name: "eth0", rtattr(IFLA_STATS, stats32(10, 20, 1000, 2000, 1, 2, 3, 4, 5, 6)))
        #expect(RTNetlinkParser.parse(reply).links.first?.statistics == LinkStatistics(
            receiveBytes: 1000, transmitBytes: 2000, receivePackets: 10, transmitPackets: 20,
            receiveErrors: 1, transmitErrors: 2, receiveDrops: 3, transmitDrops: 4))
    }

    @Test func newStatsMessageCarriesTheCountersOfOneIndex() {
        // RTM_NEWSTATS=92: struct if_stats_msg (family, pad1, pad2, ifindex, filter_mask)
        // then IFLA_STATS_LINK_64=1 with struct rtnl_link_stats64.
        let ifStatsMsg: [UInt8] = [0, 0] + u16le(0) + u32le(7) + u32le(1)
        let reply = nlmsg(type: 92, ifStatsMsg + rtattr(1, stats64(10, 20, 1000, 2000, 1, 2, 3, 4)))
        let result = RTNetlinkParser.parse(reply)
        #expect(result.messages == [.statistics(index: 7, LinkStatistics(
            receiveBytes: 1000, transmitBytes: 2000, receivePackets: 10, transmitPackets: 20,
            receiveErrors: 1, transmitErrors: 2, receiveDrops: 3, transmitDrops: 4))])
        #expect(result.skipped.isEmpty)
    }

    @Test func newStatsMessageWithoutCountersIsSkipped() {
        let ifStatsMsg: [UInt8] = [0, 0] + u16le(0) + u32le(7) + u32le(1)
        let result = RTNetlinkParser.parse(nlmsg(type: 92, ifStatsMsg))
        #expect(result.messages.isEmpty)
        #expect(result.skipped == ["malformed_attribute": 1])
    }

    @Test func stats64WinsOverThirtyTwoBitStatsWhicheverComesFirst() {
        let wide = rtattr(IFLA_STATS64, stats64(10, 20, 4_294_968_296, 2000, 1, 2, 3, 4))
        let narrow = rtattr(IFLA_STATS, stats32(99, 99, 99, 99, 99, 99, 99, 99))
        for attributes in [wide + narrow, narrow + wide] {
            let link = RTNetlinkParser.parse(linkMessage(index: 2, name: "eth0", attributes)).links.first
            #expect(link?.statistics?.receiveBytes == 4_294_968_296)
            #expect(link?.statistics?.receivePackets == 10)
        }
    }

    // MARK: Bad input: skipped, counted, neighbours kept

    @Test func aMessageLongerThanTheBufferIsSkippedAfterItsNeighbour() {
        var damaged = eth1Reply
        damaged.replaceSubrange(0..<4, with: u32le(UInt32(damaged.count + 100)))  // nlmsg_len past the end
        let result = RTNetlinkParser.parse(eth0Reply + damaged)
        #expect(result.messages == [.link(eth0Link)])
        #expect(result.skipped == ["truncated_message": 1])
    }

    @Test(arguments: [0, 8, 15] as [UInt32])
    func aMessageShorterThanItsHeaderIsSkippedAfterItsNeighbour(_ length: UInt32) {
        let damaged = u32le(length) + u16le(RTM_NEWLINK) + u16le(0) + u32le(43) + u32le(0)  // nlmsg_len below 16
        let result = RTNetlinkParser.parse(eth0Reply + damaged + eth1Reply)
        #expect(result.links.first == eth0Link)
        #expect(result.skipped["truncated_message"] == 1)
    }

    @Test func trailingBytesShorterThanAHeaderAreCounted() {
        let result = RTNetlinkParser.parse(eth0Reply + [0x10, 0x00, 0x00, 0x00, 0x10])
        #expect(result.messages == [.link(eth0Link)])
        #expect(result.skipped == ["truncated_message": 1])
    }

    @Test func anAttributeLongerThanItsMessageIsSkippedAndNeighboursDecode() {
        let reply = linkMessage(
            index: 2, name: "eth0",
            rtattr(IFLA_MTU, u32le(9000))
                + u16le(200) + u16le(IFLA_OPERSTATE) + [IF_OPER_UP, 0, 0, 0])  // rta_len 200 in an 8-byte tail
        let result = RTNetlinkParser.parse(reply + eth1Reply)
        #expect(result.links.map(\.name) == ["eth0", "eth1"])
        #expect(result.links.first?.mtu == 9000)
        #expect(result.links.first?.operState == .unknown)
        #expect(result.skipped == ["truncated_attribute": 1])
    }

    @Test func anMTUOfTwoBytesIsMalformedAndTheLinkStillDecodes() {
        let reply = linkMessage(index: 2, name: "eth0", rtattr(IFLA_MTU, [0xDC, 0x05]) + rtattr(IFLA_OPERSTATE, [IF_OPER_UP]))
        let result = RTNetlinkParser.parse(reply + eth1Reply)
        #expect(result.links.map(\.name) == ["eth0", "eth1"])
        #expect(result.links.first?.mtu == nil)
        #expect(result.links.first?.operState == .up)
        #expect(result.skipped == ["malformed_attribute": 1])
    }

    @Test func anAttributeAboveIFLA_MAXIsCountedAndTheLinkStillDecodes() {
        let reply = linkMessage(
            index: 2, name: "eth0", ifiFlags: IFF_UP | IFF_RUNNING | IFF_LOWER_UP,
            rtattr(IFLA_MTU, u32le(9000)) + rtattr(200, u32le(7)) + rtattr(IFLA_OPERSTATE, [IF_OPER_UP]) + rtattr(IFLA_CARRIER, [1]))
        let result = RTNetlinkParser.parse(reply)
        #expect(result.messages == [.link(eth0Link)])
        #expect(result.skipped == ["unknown_attribute": 1])
    }

    @Test func aMessageTypeItDoesNotKnowIsSkippedBetweenItsNeighbours() {
        let address = nlmsg(type: RTM_NEWADDR, [2, 24, 0, 0] + u32le(2))  // struct ifaddrmsg
        let result = RTNetlinkParser.parse(eth0Reply + address + eth1Reply)
        #expect(result.messages == [.link(eth0Link), .link(eth1Link)])
        #expect(result.skipped == ["unknown_message": 1])
    }

    @Test func aLinkWithoutANameIsSkippedNotReturned() {
        let nameless = linkMessage(index: 5, name: nil, rtattr(IFLA_MTU, u32le(1500)))
        let result = RTNetlinkParser.parse(nameless + eth1Reply)
        #expect(result.messages == [.link(eth1Link)])
        #expect(result.skipped == ["malformed_attribute": 1])
    }

    @Test func anEmptyBufferYieldsNothing() {
        #expect(RTNetlinkParser.parse([UInt8]()) == NetlinkParseResult())
    }

    @Test func everyCutOfADumpKeepsTheMessagesBeforeTheCut() {
        for cut in 0...twoLinkDump.count {
            let result = RTNetlinkParser.parse(Array(twoLinkDump[..<cut]))
            let expected: [LinkMessage] =
                cut < eth0Reply.count ? []
                : cut < eth0Reply.count + vethReply.count ? [.link(eth0Link)]
                : [.link(eth0Link), .link(vethLink)]
            let atABoundary = [0, eth0Reply.count, eth0Reply.count + vethReply.count, twoLinkDump.count].contains(cut)
            #expect(result.messages == expected, "cut at \(cut)")
            #expect(result.skipped == (atABoundary ? [:] : ["truncated_message": 1]), "cut at \(cut)")
        }
    }

    @Test func twoThousandMutationsOfADumpNeverCrashTheParser() {
        var generator = Xorshift64(seed: 0x6868_7465_7374_0001)
        var decodedLinks = 0
        for round in 0..<2000 {
            var bytes = twoLinkDump
            if round % 3 != 1 {
                // Overwrite 1 to 8 bytes; every other time prefer the length and type fields.
                for _ in 0..<Int.random(in: 1...8, using: &generator) {
                    let offset = round % 2 == 0
                        ? Int.random(in: 0..<bytes.count, using: &generator)
                        : [0, 1, 4, 32, 33, eth0Reply.count, eth0Reply.count + 1, eth0Reply.count + 32].randomElement(using: &generator)!
                    bytes[offset] = UInt8.random(in: 0...255, using: &generator)
                }
            }
            if round % 3 != 0 {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator))
            }
            let result = RTNetlinkParser.parse(bytes)
            decodedLinks += result.links.count
            // A link needs a header, an ifinfomsg and a one-byte name: 37 bytes, 40 once aligned.
            #expect(result.messages.count <= (bytes.count + 3) / 40, "round \(round)")
            #expect(result.links.allSatisfy { !$0.name.isEmpty }, "round \(round)")
        }
        #expect(decodedLinks > 0)
    }
}

/// Marsaglia's xorshift64: the same 2,000 mutations on every run and every machine.
private struct Xorshift64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed == 0 ? 1 : seed
    }

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
