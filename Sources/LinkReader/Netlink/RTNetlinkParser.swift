package import HostHealthModel

/// What one buffer of netlink messages held.
package struct NetlinkParseResult: Sendable, Equatable {
    package var messages: [LinkMessage] = []
    /// NLMSG_DONE was seen: a dump is complete.
    package var done = false
    /// A negative errno from NLMSG_ERROR (0 is an acknowledgement, not an error).
    package var error: Int32?
    /// The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR): links changed during it.
    package var interrupted = false
    /// Input skipped by reason: `truncated_message`, `truncated_attribute`,
    /// `malformed_attribute`, `unknown_attribute`, `unknown_message`.
    package var skipped: [String: UInt64] = [:]

    package init() {}

    mutating func skip(_ reason: String) {
        skipped[reason, default: 0] += 1
    }
}

/// Decodes rtnetlink link messages from raw bytes, in the host's byte order as the kernel
/// writes them. Pure: the tests feed it annotated kernel replies. A malformed message or
/// attribute is skipped and counted, never a crash and never a reason to drop its neighbours.
package enum RTNetlinkParser {
    // netlink(7), rtnetlink(7), <linux/if_link.h>. Written out so the parser needs no C.
    static let headerLength = 16
    static let ifinfomsgLength = 16
    static let NLMSG_NOOP: UInt16 = 1
    static let NLMSG_ERROR: UInt16 = 2
    static let NLMSG_DONE: UInt16 = 3
    static let NLMSG_OVERRUN: UInt16 = 4
    static let RTM_NEWLINK: UInt16 = 16
    static let RTM_DELLINK: UInt16 = 17
    static let RTM_NEWSTATS: UInt16 = 92
    static let ifStatsMsgLength = 12
    static let IFLA_STATS_LINK_64: UInt16 = 1
    static let NLM_F_DUMP_INTR: UInt16 = 0x10
    static let IFF_UP: UInt32 = 0x1
    static let ARPHRD_LOOPBACK: UInt16 = 772

    enum IFLA {
        static let address: UInt16 = 1
        static let ifname: UInt16 = 3
        static let mtu: UInt16 = 4
        static let stats: UInt16 = 7
        static let operstate: UInt16 = 16
        static let linkinfo: UInt16 = 18
        static let stats64: UInt16 = 23
        static let carrier: UInt16 = 33
        static let carrierChanges: UInt16 = 35
        static let carrierUpCount: UInt16 = 47
        static let carrierDownCount: UInt16 = 48
        static let permAddress: UInt16 = 54
        /// The device under the link and its bus (Linux 5.14): `0000:3b:00.0` on `pci`.
        static let parentDevName: UInt16 = 56
        static let parentDevBusName: UInt16 = 57
        /// The highest attribute this parser's kernel headers (Linux 6.1, as in Debian 12) know; anything above
        /// comes from a newer kernel and is counted as unknown.
        static let max: UInt16 = 61
        static let infoKind: UInt16 = 1
    }

    package static func parse(_ bytes: UnsafeRawBufferPointer) -> NetlinkParseResult {
        var result = NetlinkParseResult()
        var offset = 0
        while offset + headerLength <= bytes.count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            let type = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)
            let flags = bytes.loadUnaligned(fromByteOffset: offset + 6, as: UInt16.self)
            guard length >= headerLength, offset + length <= bytes.count else {
                result.skip("truncated_message")
                return result
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[(offset + headerLength)..<(offset + length)])
            if flags & NLM_F_DUMP_INTR != 0 { result.interrupted = true }
            switch type {
            case NLMSG_DONE:
                // A dump the kernel gave up on ends with its negative errno here.
                result.done = true
                if payload.count >= 4 {
                    let code = payload.loadUnaligned(as: Int32.self)
                    if code < 0 { result.error = code }
                }
            case NLMSG_ERROR:
                if payload.count >= 4 {
                    let code = payload.loadUnaligned(as: Int32.self)
                    if code != 0 { result.error = code }
                } else {
                    result.skip("truncated_message")
                }
            case NLMSG_NOOP, NLMSG_OVERRUN:
                break
            case RTM_NEWLINK, RTM_DELLINK:
                if let link = decodeLink(payload, result: &result) {
                    result.messages.append(type == RTM_NEWLINK ? .link(link) : .removed(index: link.index, name: link.name))
                }
            case RTM_NEWSTATS:
                if let (index, statistics) = decodeStatistics(payload, result: &result) {
                    result.messages.append(.statistics(index: index, statistics))
                }
            default:
                result.skip("unknown_message")
            }
            offset += align(length)
        }
        if offset < bytes.count {
            result.skip("truncated_message")
        }
        return result
    }

    package static func parse(_ bytes: [UInt8]) -> NetlinkParseResult {
        bytes.withUnsafeBytes { parse($0) }
    }

    static func align(_ length: Int) -> Int {
        (length + 3) & ~3
    }

    /// Decodes ifinfomsg and its attributes; nil when the message cannot name a link.
    static func decodeLink(_ payload: UnsafeRawBufferPointer, result: inout NetlinkParseResult) -> Link? {
        guard payload.count >= ifinfomsgLength else {
            result.skip("truncated_message")
            return nil
        }
        let deviceType = payload.loadUnaligned(fromByteOffset: 2, as: UInt16.self)
        let index = payload.loadUnaligned(fromByteOffset: 4, as: Int32.self)
        let flags = payload.loadUnaligned(fromByteOffset: 8, as: UInt32.self)
        var link = Link(
            index: index, name: "", kind: deviceType == ARPHRD_LOOPBACK ? "loopback" : "physical",
            operState: .unknown, adminUp: flags & IFF_UP != 0)
        var stats32: LinkStatistics?
        var parentBus: String?
        forEachAttribute(UnsafeRawBufferPointer(rebasing: payload[ifinfomsgLength...]), result: &result) { type, value, result in
            switch type {
            case IFLA.ifname:
                link.name = name(value)
            case IFLA.address:
                link.address = macAddress(value)
            case IFLA.permAddress:
                link.permanentAddress = macAddress(value)
            case IFLA.parentDevName:
                link.parentDevice = string(value)
            case IFLA.parentDevBusName:
                parentBus = string(value)
            case IFLA.mtu:
                link.mtu = u32(value, &result)
            case IFLA.operstate:
                if let raw = u8(value, &result) { link.operState = OperState(kernelValue: raw) }
            case IFLA.carrier:
                link.carrier = u8(value, &result).map { $0 != 0 }
            case IFLA.carrierChanges:
                link.carrierChanges = u32(value, &result)
            case IFLA.carrierUpCount:
                link.carrierUpCount = u32(value, &result)
            case IFLA.carrierDownCount:
                link.carrierDownCount = u32(value, &result)
            case IFLA.stats64:
                link.statistics = statistics(value, width: 8, &result)
            case IFLA.stats:
                stats32 = statistics(value, width: 4, &result)
            case IFLA.linkinfo:
                forEachAttribute(value, result: &result) { infoType, infoValue, _ in
                    if infoType == IFLA.infoKind {
                        let kind = string(infoValue)
                        if !kind.isEmpty { link.kind = kind }
                    }
                }
            case let other where other > IFLA.max:
                result.skip("unknown_attribute")
            default:
                break
            }
        }
        if link.statistics == nil { link.statistics = stats32 }
        // A PCI address is named as it is; another bus's device carries its bus.
        if let bus = parentBus, bus != "pci", let device = link.parentDevice { link.parentDevice = "\(bus):\(device)" }
        guard !link.name.isEmpty else {
            result.skip("malformed_attribute")
            return nil
        }
        return link
    }

    /// Decodes `struct if_stats_msg` and its IFLA_STATS_LINK_64.
    static func decodeStatistics(_ payload: UnsafeRawBufferPointer, result: inout NetlinkParseResult) -> (Int32, LinkStatistics)? {
        guard payload.count >= ifStatsMsgLength else {
            result.skip("truncated_message")
            return nil
        }
        let index = payload.loadUnaligned(fromByteOffset: 4, as: Int32.self)
        var statistics: LinkStatistics?
        forEachAttribute(UnsafeRawBufferPointer(rebasing: payload[ifStatsMsgLength...]), result: &result) { type, value, result in
            if type == IFLA_STATS_LINK_64 { statistics = Self.statistics(value, width: 8, &result) }
        }
        guard let statistics else {
            result.skip("malformed_attribute")
            return nil
        }
        return (index, statistics)
    }

    /// Walks `struct rtattr`s; a truncated one ends the walk and is counted.
    static func forEachAttribute(
        _ bytes: UnsafeRawBufferPointer, result: inout NetlinkParseResult,
        _ body: (UInt16, UnsafeRawBufferPointer, inout NetlinkParseResult) -> Void
    ) {
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let type = bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, offset + length <= bytes.count else {
                result.skip("truncated_attribute")
                return
            }
            body(type, UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + length)]), &result)
            offset += align(length)
        }
        if offset < bytes.count {
            result.skip("truncated_attribute")
        }
    }

    /// A link name, kept whole: the kernel allows any byte but `/`, `:`, whitespace and NUL,
    /// valid UTF-8 or not. A valid name is itself; in one that is not, the bytes that are not
    /// UTF-8 become `\xNN` and a backslash `\\`, so two such names that differ in any byte
    /// stay two (replacing with U+FFFD made `x\xff` and `x\xfe` one link, one state hiding the
    /// other's). Only a valid name spelled exactly like such an escape could meet one.
    static func name(_ value: UnsafeRawBufferPointer) -> String {
        let end = value.firstIndex(of: 0) ?? value.count
        let bytes = UnsafeRawBufferPointer(rebasing: value[..<end])
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var parser = Unicode.UTF8.ForwardParser()
        var input = bytes.makeIterator()
        var offset = 0
        var name = ""
        while true {
            switch parser.parseScalar(from: &input) {
            case .valid(let encoded):
                let scalar = Unicode.UTF8.decode(encoded)
                if scalar == "\\" { name += "\\\\" } else { name.unicodeScalars.append(scalar) }
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<(offset + length)] {
                    name += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16)
                }
                offset += length
            case .emptyInput:
                return name
            }
        }
    }

    static func string(_ value: UnsafeRawBufferPointer) -> String {
        let end = value.firstIndex(of: 0) ?? value.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: value[..<end]), as: UTF8.self)
    }

    static func u8(_ value: UnsafeRawBufferPointer, _ result: inout NetlinkParseResult) -> UInt8? {
        guard value.count >= 1 else {
            result.skip("malformed_attribute")
            return nil
        }
        return value[0]
    }

    static func u32(_ value: UnsafeRawBufferPointer, _ result: inout NetlinkParseResult) -> UInt32? {
        guard value.count >= 4 else {
            result.skip("malformed_attribute")
            return nil
        }
        return value.loadUnaligned(as: UInt32.self)
    }

    /// `struct rtnl_link_stats64` (or the 32-bit `rtnl_link_stats`): rx/tx packets, bytes,
    /// errors, dropped are its first eight fields.
    static func statistics(_ value: UnsafeRawBufferPointer, width: Int, _ result: inout NetlinkParseResult) -> LinkStatistics? {
        guard value.count >= 8 * width else {
            result.skip("malformed_attribute")
            return nil
        }
        func field(_ n: Int) -> UInt64 {
            width == 8
                ? value.loadUnaligned(fromByteOffset: n * 8, as: UInt64.self)
                : UInt64(value.loadUnaligned(fromByteOffset: n * 4, as: UInt32.self))
        }
        return LinkStatistics(
            receiveBytes: field(2), transmitBytes: field(3), receivePackets: field(0), transmitPackets: field(1),
            receiveErrors: field(4), transmitErrors: field(5), receiveDrops: field(6), transmitDrops: field(7))
    }

    static func macAddress(_ value: UnsafeRawBufferPointer) -> String? {
        guard !value.isEmpty else { return nil }
        let hex: [Character] = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(value.count * 3)
        for (i, byte) in value.enumerated() {
            if i > 0 { text.append(":") }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return text
    }
}
