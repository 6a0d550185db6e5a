internal import NIOCore
internal import NIOHTTP1

/// Bounds the time a client takes to send a whole request, head and body, counted from the
/// request's first byte. The idle timeout restarts at every byte, so without this a client
/// trickling a byte now and then (slowloris) held its connection for ever. A keep-alive
/// connection waiting between requests has no deadline: the idle timeout covers it.
///
/// It watches at two places of one connection's pipeline, on that connection's event loop:
/// `bytes` first of all (raw bytes, so a TLS handshake counts too) and `exchange` after the
/// HTTP handlers (where a complete request and the end of its answer are seen).
final class RequestDeadline {
    let limit: TimeAmount
    private var state = State.waiting

    private enum State {
        /// Between requests: the next byte starts the clock.
        case waiting
        /// A request has begun and must be complete when the task fires.
        case reading(Scheduled<Void>)
        /// A request is being answered; bytes of the next one may already have come.
        case answering(nextBegun: Bool)
    }

    init(limit: TimeAmount) {
        self.limit = limit
    }

    /// The handler to add first, before TLS and HTTP.
    var bytes: some ChannelInboundHandler { BytesWatch(deadline: self) }
    /// The handler to add last, after the HTTP handlers.
    var exchange: some ChannelDuplexHandler { ExchangeWatch(deadline: self) }

    fileprivate func bytesArrived(_ context: ChannelHandlerContext) {
        switch state {
        case .waiting: start(context)
        case .answering: state = .answering(nextBegun: true)
        case .reading: break
        }
    }

    fileprivate func requestCompleted() {
        stop()
        state = .answering(nextBegun: false)
    }

    fileprivate func answerFinished(_ context: ChannelHandlerContext) {
        guard case .answering(let nextBegun) = state else { return }
        if nextBegun { start(context) } else { state = .waiting }
    }

    fileprivate func stop() {
        if case .reading(let task) = state { task.cancel() }
        state = .waiting
    }

    private func start(_ context: ChannelHandlerContext) {
        let channel = context.channel
        state = .reading(context.eventLoop.assumeIsolated().scheduleTask(in: limit) { channel.close(promise: nil) })
    }
}

private final class BytesWatch: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let deadline: RequestDeadline

    init(deadline: RequestDeadline) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.bytesArrived(context)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.stop()
        context.fireChannelInactive()
    }
}

private final class ExchangeWatch: ChannelDuplexHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    let deadline: RequestDeadline

    init(deadline: RequestDeadline) {
        self.deadline = deadline
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) { deadline.requestCompleted() }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { deadline.answerFinished(context) }
        context.write(data, promise: promise)
    }
}
