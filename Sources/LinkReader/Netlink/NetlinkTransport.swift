internal import Glibc
internal import HostSystem

/// What the link collector needs of a netlink socket: send a request, receive one datagram.
/// `NetlinkSocket` is the kernel's; the tests replay recorded kernel replies through a fake, so
/// the collector's recovery paths (ENOBUFS, NLM_F_DUMP_INTR) are checked byte by byte without
/// root. Not thread-safe: each owner uses one from one thread at a time.
protocol NetlinkTransport: AnyObject {
    /// Polled by the event loop next to its wake-up descriptor: readable when a datagram waits.
    var fileDescriptor: Int32 { get }

    /// Sends one request datagram.
    func send(_ request: [UInt8]) throws(HostHealthError)

    /// Receives one datagram and hands its bytes to `body`, which must not keep them. Throws
    /// the receive's errno: EAGAIN when nothing is queued (or, waiting, nothing came within the
    /// receive timeout), ENOBUFS when the kernel dropped messages for this socket.
    func receive<Result>(wait: Bool, _ body: (UnsafeRawBufferPointer) -> Result) throws(HostHealthError) -> Result
}

extension NetlinkTransport {
    /// Receives one datagram and parses it. With `wait` false, returns nil when nothing is
    /// queued.
    func receiveMessages(wait: Bool) throws(HostHealthError) -> NetlinkParseResult? {
        do {
            return try receive(wait: wait) { RTNetlinkParser.parse($0) }
        } catch where error.errno == .wouldBlock {
            if wait { throw HostHealthError.netlink("receive (no answer within 2 s)", .wouldBlock) }
            return nil
        }
    }
}
