internal import HostHealthCore
internal import NIOCore
public import NIOHTTP1

/// The agent's HTTP endpoints, as a function from request to response: testable without a
/// socket, and served the same on the TCP port and the control socket.
public struct Routes: Sendable {
    public let engine: HealthEngine
    /// `/livez` fails when the engine has not evaluated for this long: its loop is stuck.
    public var livenessLimitSeconds: Double = 10

    public init(engine: HealthEngine) {
        self.engine = engine
    }

    public func respond(to head: HTTPRequestHead) async -> HTTPResponse {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        guard head.method == .GET || head.method == .HEAD else {
            return HTTPResponse(status: .methodNotAllowed, text: "only GET and HEAD are served\n")
        }
        switch path {
        case "/metrics":
            let format = ExpositionFormat(accept: head.headers.first(name: "accept"))
            return HTTPResponse(status: .ok, contentType: format.contentType, parts: await engine.metrics(format: format))
        case "/health":
            let code = await engine.config.health.statusCode(for: engine.report.host.state)
            return json(await engine.document(.health), status: HTTPResponseStatus(statusCode: code))
        case "/status":
            return json(await engine.document(.status), status: .ok)
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
        <li><a href="/livez">/livez</a> &mdash; 200 while the agent itself is alive</li>
        </ul>
        </body></html>

        """
    }
}
