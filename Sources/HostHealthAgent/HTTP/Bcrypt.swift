internal import CCrypt
internal import Glibc

/// bcrypt verification through libxcrypt's `crypt_rn` (libcrypt1, on every Debian host).
///
/// Only the bcrypt variants exporter-toolkit's `basic_auth_users` holds are accepted: `$2a$`,
/// `$2b$` and `$2y$` (htpasswd's). `$2x$` (the pre-2011 8-bit bug, kept for old hashes) and
/// every other scheme libxcrypt knows (`$6$`, `$y$`, DES, …) are refused, so a web config
/// cannot quietly fall back to a weak hash. Each call has its own work area: no global state,
/// safe from any thread.
enum Bcrypt {
    /// `$2b$` + two cost digits + `$` + 22 salt + 31 hash characters.
    static let hashLength = 60
    static let variants = ["$2a$", "$2b$", "$2y$"]

    /// True when `password` hashes to `hash`. A malformed hash, an unknown variant or a failed
    /// computation is false, never a match. Compares in constant time.
    static func verify(_ password: some Collection<UInt8>, hash: String) -> Bool {
        // The C call stops at a NUL: "s3cret\0junk" would be checked as "s3cret".
        guard !password.contains(0), isWellFormed(hash), let computed = compute(password, setting: hash) else {
            return false
        }
        return constantTimeEqual(computed, Array(hash.utf8))
    }

    /// `crypt_rn(password, setting)`, or nil when libxcrypt refuses the setting.
    static func compute(_ password: some Collection<UInt8>, setting: String) -> [UInt8]? {
        let size = Int(CCrypt_dataSize())
        // The work area holds the key schedule derived from the password: zeroed before use (as
        // crypt(3) asks) and after.
        let data = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        data.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        defer {
            explicit_bzero(data, size)
            data.deallocate()
        }
        let phrase = password.map(CChar.init(bitPattern:)) + [0]
        let result = crypt_rn(phrase, setting, data, Int32(size))
        // crypt_rn returns NULL on failure and leaves a failure token ("*0", "*1") in the
        // output; a result starting with "*" is never a hash either way.
        guard let result, result.pointee != CChar(UInt8(ascii: "*")) else { return nil }
        return Array(UnsafeRawBufferPointer(start: result, count: strlen(result)))
    }

    /// The shape of a bcrypt hash; libxcrypt checks the cost range and the salt's alphabet.
    static func isWellFormed(_ hash: String) -> Bool {
        let bytes = Array(hash.utf8)
        guard bytes.count == hashLength, variants.contains(where: { hash.hasPrefix($0) }) else { return false }
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        return digit.contains(bytes[4]) && digit.contains(bytes[5]) && bytes[6] == UInt8(ascii: "$")
    }

    /// Equality whose time depends only on the length (60 for every hash that gets here).
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}
