internal import HostHealthModel
internal import HostHealthConfig
internal import HostHealthExposition
internal import NIOCore
package import NIOHTTP1

/// The agent's HTTP endpoints, as a function from request to response: testable without a
/// socket, and served the same on the TCP port and the control socket.
package struct Routes: Sendable {
    package let engine: HealthEngine
    package let journal: TransitionJournal
    /// `/livez` fails when the engine has not evaluated for this long: its loop is stuck.
    package var livenessLimitSeconds: Double = 10

    /// Set only on the control socket: the one place that accepts changes (`POST
    /// /maintenance`), and only from the peers it allows. Nothing remote may change state.
    package var control: ControlRoutes?
    /// The transition hook, for its counters in the scrape.
    package var hooks: HookRunner?

    package init(
        engine: HealthEngine, journal: TransitionJournal = TransitionJournal(), control: ControlRoutes? = nil,
        hooks: HookRunner? = nil
    ) {
        self.engine = engine
        self.journal = journal
        self.control = control
        self.hooks = hooks
    }

    /// - Parameters:
    ///   - body: the request body (form fields for `POST /maintenance`).
    ///   - peer: the connected process, on the control socket.
    package func respond(to head: HTTPRequestHead, body: [UInt8] = [], peer: PeerCredentials? = nil) async -> HTTPResponse {
        let pieces = head.uri.split(separator: "?", maxSplits: 1)
        let path = pieces.first.map(String.init) ?? head.uri
        let query = pieces.count > 1 ? Self.parameters(pieces[1]) : [:]
        if let control, path == "/maintenance" {
            return await control.maintenance(head, body: body, peer: peer, engine: engine)
        }
        // What is there and how it compares with the baseline: the control socket only, as
        // it names every disk's identity and slot.
        if control != nil, head.method == .GET, ["/drift", "/baseline/record", "/inventory"].contains(path) {
            switch path {
            case "/drift":
                guard let document = await engine.driftDocument(all: query["all"] == "1") else {
                    return HTTPResponse(status: .notFound, text: "no baseline loaded (\(BaselineLoader.defaultPath) or --baseline.file); no drift judgement\n")
                }
                return json(ByteBuffer(bytes: document.json()), status: .ok)
            case "/baseline/record":
                return HTTPResponse(status: .ok, contentType: "application/yaml", body: Array(await engine.recording(by: query["by"]).utf8))
            default:
                return json(ByteBuffer(bytes: await engine.inventory()), status: .ok)
            }
        }
        guard head.method == .GET || head.method == .HEAD else {
            var response = HTTPResponse(status: .methodNotAllowed, text: "only GET and HEAD are served\n")
            response.headers = [("Allow", "GET, HEAD")]
            return response
        }
        switch path {
        case "/metrics":
            let format = ExpositionFormat(accept: head.headers.first(name: "accept"))
            let outputs = OutputStatus(journal: await journal.status, hookRuns: await hooks?.configuredRuns)
            return HTTPResponse(status: .ok, contentType: format.contentType, parts: await engine.metrics(format: format, outputs: outputs))
        case "/health":
            let (code, body, envoyDegraded) = await engine.health()
            var response = json(body, status: HTTPResponseStatus(statusCode: code))
            // Envoy's active health check reads this header as a degraded (last-resort) host.
            if envoyDegraded { response.headers.append(("x-envoy-degraded", "")) }
            return response
        case "/status":
            return json(await engine.document(.status), status: .ok)
        case "/events":
            var since: Timestamp?
            if let text = query["since"] {
                guard let parsed = Self.since(text, now: WallClock.now()) else {
                    return HTTPResponse(status: .badRequest, text: "since: expected a time (2026-11-27T21:54:00Z) or a duration (1h, 30m)\n")
                }
                since = parsed
            }
            let events = journal.events(since: since)
            return json(ByteBuffer(bytes: EventsDocument(records: events).json()), status: .ok)
        case "/livez":
            let age = await engine.secondsSinceEvaluation
            return age <= livenessLimitSeconds
                ? HTTPResponse(status: .ok, text: "ok\n")
                : HTTPResponse(status: .serviceUnavailable, text: "engine has not evaluated for \(Int(age))s\n")
        case "/":
            return HTTPResponse(status: .ok, contentType: "text/html; charset=utf-8", body: Array(Self.landingPage(version: engine.agent.version).utf8))
        default:
            return HTTPResponse(status: .notFound, text: "not found; see / for the endpoints\n")
        }
    }

    func json(_ body: ByteBuffer, status: HTTPResponseStatus) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", parts: [body])
    }

    /// `name=value&…`, with `%XX` and `+` decoded.
    static func parameters(_ query: Substring) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard let name = parts.first.flatMap({ percentDecoded($0) }) else { continue }
            result[name] = parts.count > 1 ? percentDecoded(parts[1]) ?? "" : ""
        }
        return result
    }

    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
                else { return nil }
                bytes.append(value)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    /// An RFC 3339 time, Unix seconds, or a duration with its unit (`1h`) back from `now`.
    static func since(_ text: String, now: Timestamp) -> Timestamp? {
        if let time = Timestamp(rfc3339: text) { return time }
        if let seconds = Double(text) { return seconds.isFinite ? Timestamp(secondsSinceEpoch: seconds) : nil }
        if let seconds = ConfigParser.seconds(text) { return now + -seconds }
        return nil
    }

    static func landingPage(version: String) -> String {
        """
        <!DOCTYPE html>
        <html><head><title>hosthealth</title></head>
        <body>
        <h1>hosthealth \(version)</h1>
        <p>Per-host hardware and host health agent.</p>
        <ul>
        <li><a href="/metrics">/metrics</a> &mdash; Prometheus scrape (OpenMetrics when asked)</li>
        <li><a href="/health">/health</a> &mdash; host state; 200 when it can take traffic, 503 when not</li>
        <li><a href="/status">/status</a> &mdash; the status document: host and every component</li>
        <li><a href="/events">/events</a> &mdash; state transitions, oldest first (<code>?since=1h</code>)</li>
        <li><a href="/livez">/livez</a> &mdash; 200 while the agent itself is alive</li>
        </ul>
        </body></html>

        """
    }
}
