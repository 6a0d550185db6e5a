internal import HostHealthConfig
internal import HostHealthModel
internal import NIOCore
internal import NIOHTTP1
internal import NIOPosix
internal import NIOSSL

/// etcd's v3 API through its JSON gateway (`POST /v3/kv/range` and friends, served on the
/// client port by etcd 3.4 itself): no gRPC stack in the agent, one short HTTP/1.1 request per
/// operation. Keys and values travel base64, 64-bit numbers as strings. Endpoints are tried
/// in turn; the first that answers serves the rest of the operation's attempts.
struct EtcdGateway: EtcdTransport {
    let endpoints: [EtcdEndpoint]
    let tls: NIOSSLContext?
    let serverName: String?
    /// One request's whole deadline: connect, send, answer.
    let timeout: TimeAmount

    /// - Throws: `ConfigError` when the TLS files cannot be read.
    init(config: FleetConfig, configFile: String, timeout: TimeAmount = .seconds(2)) throws {
        endpoints = config.endpoints
        serverName = config.tls?.serverName
        self.timeout = timeout
        guard config.endpoints.contains(where: \.tls) else {
            tls = nil
            return
        }
        do {
            let settings = config.tls ?? ClientTLSSettings()
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.minimumTLSVersion = settings.minVersion.map(WebSecurity.version) ?? .tlsv12
            if let ca = settings.caFile { configuration.trustRoots = .file(ca) }
            if let cert = settings.certFile, let key = settings.keyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(cert).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            }
            if settings.insecureSkipVerify { configuration.certificateVerification = .none }
            tls = try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigError(file: configFile, key: "fleet.tls_config", reason: "cannot set up TLS to etcd: \(error)")
        }
    }

    // MARK: - Operations

    func grantLease(ttl: Int) async throws -> Int64 {
        let answer = try await call("/v3/lease/grant", #"{"TTL":"\#(ttl)"}"#)
        guard let id = Self.int64(answer["ID"]), id != 0 else { throw EtcdError("lease grant: no lease id in the answer") }
        return id
    }

    func keepAlive(_ lease: Int64) async throws -> Int {
        // A stream in gRPC; through the gateway one request, one `{"result": …}` line.
        let answer: JSONValue
        do {
            answer = try await call("/v3/lease/keepalive", #"{"ID":"\#(lease)"}"#)
        } catch let error as EtcdError where error.leaseNotFound {
            return 0
        }
        let result = answer["result"] ?? answer
        // etcd leaves TTL out (zero) for a lease it no longer knows.
        return Int(Self.int64(result["TTL"]) ?? 0)
    }

    func revoke(_ lease: Int64) async throws {
        _ = try await call("/v3/lease/revoke", #"{"ID":"\#(lease)"}"#)
    }

    func range(prefix: String) async throws -> [EtcdKeyValue] {
        let answer = try await call(
            "/v3/kv/range", #"{"key":"\#(Self.b64(prefix))","range_end":"\#(Base64.encode(Self.prefixEnd(prefix)))"}"#)
        return try (answer["kvs"]?.array ?? []).map { entry in
            guard let key = entry["key"]?.string.flatMap(Base64.decode) else { throw EtcdError("range: a key is not base64") }
            let value = entry["value"]?.string.flatMap(Base64.decode) ?? []
            return EtcdKeyValue(
                key: String(decoding: key, as: UTF8.self), value: String(decoding: value, as: UTF8.self),
                lease: Self.int64(entry["lease"]) ?? 0)
        }
    }

    func put(_ key: String, _ value: String, lease: Int64) async throws {
        _ = try await call("/v3/kv/put", #"{"key":"\#(Self.b64(key))","value":"\#(Self.b64(value))","lease":"\#(lease)"}"#)
    }

    func createIfAbsent(_ key: String, _ value: String, lease: Int64) async throws -> Bool {
        let body = #"{"compare":[{"key":"\#(Self.b64(key))","target":"CREATE","result":"EQUAL","create_revision":"0"}],"#
            + #""success":[{"request_put":{"key":"\#(Self.b64(key))","value":"\#(Self.b64(value))","lease":"\#(lease)"}}]}"#
        // `succeeded` is left out when false.
        return try await call("/v3/kv/txn", body)["succeeded"]?.bool ?? false
    }

    func delete(_ key: String) async throws {
        _ = try await call("/v3/kv/deleterange", #"{"key":"\#(Self.b64(key))"}"#)
    }

    // MARK: - Encoding

    /// Every body this client sends holds only base64 and decimal digits: nothing to escape.
    static func b64(_ text: String) -> String { Base64.encode(Array(text.utf8)) }

    /// The range end that selects every key starting with `prefix`: its last byte below 0xff
    /// plus one, the bytes after it dropped.
    static func prefixEnd(_ prefix: String) -> [UInt8] {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xff {
                bytes[bytes.count - 1] = last + 1
                return bytes
            }
            bytes.removeLast()
        }
        return [0]
    }

    /// The gateway writes int64 as a JSON string.
    static func int64(_ value: JSONValue?) -> Int64? {
        value?.string.flatMap { Int64($0) } ?? value?.int64
    }

    // MARK: - Transport

    private func call(_ path: String, _ body: String) async throws -> JSONValue {
        var failures: [String] = []
        for endpoint in endpoints {
            do {
                return try await request(endpoint, path: path, body: body)
            } catch let error as EtcdRefusal {
                // etcd answered: another endpoint would say the same.
                throw EtcdError("\(endpoint)\(path): \(error.message)")
            } catch {
                failures.append("\(endpoint): \(error)")
            }
        }
        throw EtcdError(failures.joined(separator: "; "))
    }

    /// etcd answered with an error status.
    private struct EtcdRefusal: Error {
        var message: String
    }

    private func request(_ endpoint: EtcdEndpoint, path: String, body: String) async throws -> JSONValue {
        let tls = endpoint.tls ? self.tls : nil
        let host = serverName ?? endpoint.host
        let deadline = NIODeadline.now() + timeout
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .connect(host: endpoint.host, port: endpoint.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        // An IP literal is no SNI name; the certificate is still checked against it.
                        let sni = host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) ? nil : host
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: sni))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        // The whole exchange is bounded: a peer that accepts and never answers must not hold
        // the budget's loop.
        let watchdog = channel.channel.eventLoop.scheduleTask(deadline: deadline) { channel.channel.close(promise: nil) }
        defer { watchdog.cancel() }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: path)
            head.headers.add(name: "Host", value: endpoint.authority)
            head.headers.add(name: "Content-Type", value: "application/json")
            head.headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
            try await outbound.write(.end(nil))
            var status: HTTPResponseStatus?
            var answer = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let response): status = response.status
                case .body(var chunk):
                    guard answer.readableBytes + chunk.readableBytes <= Self.maxAnswerBytes else {
                        throw EtcdError("answer larger than \(Self.maxAnswerBytes) bytes")
                    }
                    answer.writeBuffer(&chunk)
                case .end:
                    return try Self.decode(status: status, answer)
                }
            }
            throw EtcdError(NIODeadline.now() >= deadline ? "no answer within \(timeout.nanoseconds / 1_000_000) ms" : "connection closed before the answer")
        }
    }

    /// A pool of thousands of members answers a range in well under this.
    static let maxAnswerBytes = 8 << 20

    private static func decode(status: HTTPResponseStatus?, _ answer: ByteBuffer) throws -> JSONValue {
        let bytes = answer.readableBytesView
        let json = try? JSONValue(parsing: bytes)
        guard status == .ok else {
            let message = json?["message"]?.string ?? json?["error"]?.string ?? String(decoding: bytes.prefix(200), as: UTF8.self)
            throw EtcdRefusal(message: "HTTP \(status?.code ?? 0): \(message)")
        }
        guard let json else { throw EtcdError("answer is not JSON") }
        // A streamed call answers `{"error": …}` with 200.
        if let error = json["error"], !error.isNull {
            throw EtcdRefusal(message: error["message"]?.string ?? "\(error)")
        }
        return json
    }
}
