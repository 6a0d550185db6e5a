internal import HostHealthConfig
internal import NIOPosix
internal import NIOSSL
internal import Synchronization
internal import HostSystem

/// TLS and basic auth for the HTTP port, from `--web.config.file`. Held behind a lock so a
/// SIGHUP can swap in a new file's settings; a bad file leaves the running ones in place.
final class WebSecurity: Sendable {
    struct Settings: Sendable {
        var tls: NIOSSLContext?
        var authenticator: BasicAuthenticator?
    }

    let path: String
    private let threads: NIOThreadPool
    private let current: Mutex<Settings>

    /// Reads and applies the file; throws with file, line and reason when it is unusable.
    init(path: String, threads: NIOThreadPool) throws {
        self.path = path
        self.threads = threads
        self.current = Mutex(try Self.load(path, threads: threads))
    }

    var settings: Settings {
        current.withLock { $0 }
    }

    /// Re-reads the file (SIGHUP). Unchanged users keep their remembered logins.
    func reload() throws {
        var fresh = try Self.load(path, threads: threads)
        current.withLock { current in
            if let old = current.authenticator, old.configuredUsers == fresh.authenticator?.configuredUsers {
                fresh.authenticator = old
            }
            current = fresh
        }
    }

    static func load(_ path: String, threads: NIOThreadPool) throws -> Settings {
        let text: String
        switch FileContents.read(path, limit: 1 << 20) {
        case .success(let bytes): text = String(decoding: bytes, as: UTF8.self)
        case .failure(let failure):
            throw ConfigError(file: path, reason: "cannot read the web configuration: \(failure)")
        }
        let config = try WebConfigParser(file: path).parse(text)
        var settings = Settings()
        if var tls = config.tls {
            // As exporter-toolkit does: relative paths are relative to the web config's folder.
            let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
            func resolved(_ file: String) -> String { file.hasPrefix("/") ? file : directory + "/" + file }
            tls.certFile = resolved(tls.certFile)
            tls.keyFile = resolved(tls.keyFile)
            tls.clientCAFile = tls.clientCAFile.map(resolved)
            settings.tls = try context(tls, file: path)
        }
        if !config.basicAuthUsers.isEmpty {
            settings.authenticator = BasicAuthenticator(users: config.basicAuthUsers, threads: threads)
        }
        return settings
    }

    static func context(_ tls: WebConfig.TLSSettings, file: String) throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = tls.minVersion.map(version) ?? .tlsv12
            if let maximum = tls.maxVersion { configuration.maximumTLSVersion = version(maximum) }
            switch tls.clientAuth {
            case .none:
                configuration.certificateVerification = .none
            case .verifyIfGiven:
                configuration.certificateVerification = .optionalVerification
            case .requireAndVerify:
                configuration.certificateVerification = .noHostnameVerification
            }
            if let ca = tls.clientCAFile {
                configuration.trustRoots = .file(ca)
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ConfigError(file: file, key: "tls_server_config", reason: "cannot set up TLS: \(error)")
        }
    }

    static func version(_ version: WebConfig.TLSVersion) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }
}
