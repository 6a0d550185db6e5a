internal import NIOPosix
internal import Synchronization

/// Checks `Authorization: Basic` against `basic_auth_users` (bcrypt hashes).
///
/// bcrypt is slow on purpose (tens of milliseconds at cost 10); a load balancer asking
/// `/health` every second must not cost a core. Verification runs on a pool thread, never an
/// event loop, and successful pairs are remembered by a keyed 64-bit digest, not in clear.
final class BasicAuthenticator: Sendable {
    /// The users as configured (name → bcrypt hash, checked by `Bcrypt`); a reload compares
    /// them to keep the remembered logins.
    let configuredUsers: [String: String]
    /// bcrypt checks waiting or running; past `maxPending` a request is refused at once rather
    /// than queued, so a flood of wrong passwords cannot delay the right ones for long.
    private let pending = Atomic<Int>(0)
    static let maxPending = 8
    /// Checked for an unknown user, so the time taken does not tell which names exist. A valid
    /// cost-10 setting: libxcrypt computes it in full.
    static let decoy = "$2b$10$" + String(repeating: "A", count: 53)
    private let threads: NIOThreadPool
    private let verified = Mutex<Set<Int>>([])
    /// The digest key: random per process, so the remembered digests mean nothing outside it.
    private let key = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))

    init(users: [String: String], threads: NIOThreadPool) {
        self.configuredUsers = users
        self.threads = threads
    }

    /// True when the header carries a known user with the right password.
    func authorizes(_ authorization: String?) async -> Bool {
        // bcrypt reads at most 72 bytes and the C call stops at a NUL: longer or NUL-bearing
        // passwords would match on a prefix.
        guard let authorization, let (user, password) = Self.credentials(authorization),
              password.utf8.count <= 72, !password.utf8.contains(0)
        else { return false }
        let digest = self.digest(user, password)
        if configuredUsers[user] != nil, verified.withLock({ $0.contains(digest) }) { return true }
        guard pending.wrappingAdd(1, ordering: .relaxed).newValue <= Self.maxPending else {
            pending.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        defer { pending.wrappingSubtract(1, ordering: .relaxed) }
        let hash = configuredUsers[user] ?? Self.decoy
        let matches = (try? await threads.runIfActive { Bcrypt.verify(Array(password.utf8), hash: hash) }) ?? false
        guard configuredUsers[user] != nil else { return false }
        if matches {
            verified.withLock { remembered in
                if remembered.count > 1024 { remembered.removeAll() }
                remembered.insert(digest)
            }
        }
        return matches
    }

    private func digest(_ user: String, _ password: String) -> Int {
        var hasher = Hasher()
        hasher.combine(key.0)
        hasher.combine(user)
        hasher.combine(key.1)
        hasher.combine(password)
        return hasher.finalize()
    }

    /// `Basic base64(user:password)` → (user, password).
    static func credentials(_ header: String) -> (String, String)? {
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let decoded = Base64.decode(parts[1].trimmingPrefix(" ")),
              let text = String(validating: decoded, as: UTF8.self),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
