import Glibc
import HostSystem
@testable import LinkReader
import Synchronization

/// One step of a conversation with the kernel, in the order it happens on one socket.
enum NetlinkExchange: Sendable, Equatable {
    /// The collector sends a request; the bytes it must send.
    case request([UInt8])
    /// The kernel answers with one datagram.
    case reply([UInt8])
    /// A receive fails with this errno instead (ENOBUFS: the kernel dropped messages).
    case failure(Int32)
}

/// A netlink socket that plays back a transcript instead of talking to the kernel. A reply is
/// received only once the requests before it in the transcript were sent; until then, and after
/// the last step, a receive finds nothing (EAGAIN), as on a real socket. Its descriptor is the
/// read end of a pipe that is readable exactly when a reply or failure is next, so the event
/// loop's poll wakes for it as for the kernel's socket.
final class ReplayedNetlinkSocket: NetlinkTransport, Sendable {
    private struct State {
        var steps: [NetlinkExchange]
        var sent: [[UInt8]] = []
    }

    let fileDescriptor: Int32
    private let writeEnd: Int32
    private let state: Mutex<State>

    init(_ transcript: [NetlinkExchange]) {
        var ends: [Int32] = [-1, -1]
        precondition(pipe(&ends) == 0, "no pipe for a replayed socket")
        for end in ends { _ = fcntl(end, F_SETFL, O_NONBLOCK) }
        (fileDescriptor, writeEnd) = (ends[0], ends[1])
        state = Mutex(State(steps: transcript))
        state.withLock { markReadiness($0) }
    }

    deinit {
        close(fileDescriptor)
        close(writeEnd)
    }

    /// Every request the collector sent, in order.
    var requestsSent: [[UInt8]] {
        state.withLock { $0.sent }
    }

    /// The steps the collector has not reached.
    var unplayed: [NetlinkExchange] {
        state.withLock { $0.steps }
    }

    func send(_ request: [UInt8]) throws(HostHealthError) {
        state.withLock { state in
            state.sent.append(request)
            if case .request = state.steps.first { state.steps.removeFirst() }
            markReadiness(state)
        }
    }

    func receive<Result>(wait: Bool, _ body: (UnsafeRawBufferPointer) -> Result) throws(HostHealthError) -> Result {
        let next = state.withLock { state -> NetlinkExchange? in
            guard let step = state.steps.first, !Self.isRequest(step) else { return nil }
            state.steps.removeFirst()
            markReadiness(state)
            return step
        }
        switch next {
        case .reply(let datagram):
            return datagram.withUnsafeBytes(body)
        case .failure(let code):
            throw HostHealthError.netlink("receive", Errno(rawValue: code))
        case .request, nil:
            throw HostHealthError.netlink("receive", .wouldBlock)
        }
    }

    private static func isRequest(_ step: NetlinkExchange) -> Bool {
        if case .request = step { true } else { false }
    }

    /// Keeps the pipe readable while the next step is something to receive.
    private func markReadiness(_ state: State) {
        var byte: UInt8 = 0
        while read(fileDescriptor, &byte, 1) == 1 {}
        if let step = state.steps.first, !Self.isRequest(step) {
            _ = write(writeEnd, &byte, 1)
        }
    }
}

/// The kernel as a collector built on it sees it: one event socket and, in the order the
/// collector opens them, dump sockets, each playing its transcript.
struct ReplayedKernel {
    let events: ReplayedNetlinkSocket
    let dumps: [ReplayedNetlinkSocket]
    let collector: LinkCollector

    init(events: [NetlinkExchange] = [], dumps: [[NetlinkExchange]]) {
        let events = ReplayedNetlinkSocket(events)
        let dumps = InOrder(dumps.map(ReplayedNetlinkSocket.init))
        self.events = events
        self.dumps = dumps.sockets
        collector = LinkCollector(resyncIntervalSeconds: 3600) { groups throws(HostHealthError) in
            if groups != 0 { return events }
            // EMFILE (24): the test gave no transcript for another socket.
            guard let socket = dumps.next() else { throw HostHealthError.netlink("open", Errno(rawValue: 24)) }
            return socket
        }
    }

    /// Hands out sockets in order, from any thread.
    private final class InOrder: Sendable {
        let sockets: [ReplayedNetlinkSocket]
        private let opened = Atomic<Int>(0)

        init(_ sockets: [ReplayedNetlinkSocket]) {
            self.sockets = sockets
        }

        func next() -> ReplayedNetlinkSocket? {
            let index = opened.add(1, ordering: .relaxed).oldValue
            return index < sockets.count ? sockets[index] : nil
        }
    }
}

extension NetlinkExchange {
    /// The requests of a transcript, in order.
    static func requests(in transcript: [NetlinkExchange]) -> [[UInt8]] {
        transcript.compactMap { if case .request(let bytes) = $0 { bytes } else { nil } }
    }
}
