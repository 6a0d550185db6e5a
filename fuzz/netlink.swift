import HostHealthModel
@testable import LinkReader

/// rtnetlink as the link reader's socket receives it: one buffer of netlink messages (dump
/// replies, RTM_NEWLINK/RTM_DELLINK notifications, RTM_NEWSTATS, NLMSG_DONE/ERROR), host byte
/// order. The parser must skip and count what is damaged, never read past the buffer.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let result = RTNetlinkParser.parse(UnsafeRawBufferPointer(start: data, count: size))
    for message in result.messages {
        if case .link(let link) = message { precondition(!link.name.isEmpty, "a link without a name was kept") }
    }
    return 0
}
