internal import Glibc

/// What `hostctl` needs to know about where it writes.
package enum Terminal {
    package static func isTerminal(_ fd: Int32) -> Bool {
        isatty(fd) == 1
    }

    package static func writeError(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}
