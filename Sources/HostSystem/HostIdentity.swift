internal import Glibc

/// What this host calls itself: who recorded a baseline, a pool member's default name, and
/// the kernel on `hosthealth_host_info` (a fleet's shared cause is often one kernel).
package enum HostIdentity {
    /// `uname -n`.
    package static var name: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `uname -r`; empty when it cannot be read.
    package static var kernelRelease: String {
        var names = utsname()
        guard uname(&names) == 0 else { return "" }
        return withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
