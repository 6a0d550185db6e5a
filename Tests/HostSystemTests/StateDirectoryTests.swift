import Glibc
import HostSystem
import Testing

@Suite struct StateDirectoryTests {
    /// A fresh directory of the given mode, removed by `body`'s end.
    private func withDirectory(mode: mode_t, _ body: (String) throws -> Void) throws {
        var template = Array("/tmp/state-dir-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let path = try #require(made.map { String(cString: $0) })
        defer { rmdir(path) }
        try #require(chmod(path, mode) == 0)
        try body(path)
    }

    private func refusal(_ path: String) -> String? {
        do {
            try StateDirectory.check(path)
            return nil
        } catch {
            #expect(error.code == .unsafeStateDirectory)
            return error.message
        }
    }

    @Test(arguments: [0o700, 0o750, 0o755] as [mode_t])
    func aDirectoryOnlyItsOwnerCanWriteIsAccepted(_ mode: mode_t) throws {
        try withDirectory(mode: mode) { #expect(refusal($0) == nil) }
    }

    @Test(arguments: [0o770, 0o777, 0o1777, 0o702] as [mode_t])
    func aDirectoryOthersCanWriteIsRefusedWithItsMode(_ mode: mode_t) throws {
        try withDirectory(mode: mode) { path in
            let message = try #require(refusal(path))
            #expect(message.contains("writable by its group or by others (mode 0\(String(mode, radix: 8)))"))
            #expect(message.contains("chmod 0750"))
        }
    }

    @Test(.enabled(if: geteuid() == 0, "chown needs root"))
    func aDirectoryOwnedBySomeoneElseIsRefused() throws {
        try withDirectory(mode: 0o700) { path in
            try #require(chown(path, 65534, 65534) == 0)
            let message = try #require(refusal(path))
            #expect(message.contains("owned by uid 65534"))
        }
    }

    @Test func aMissingDirectoryIsNotRefused() {
        #expect(refusal("/tmp/state-dir-that-does-not-exist-\(getpid())") == nil)
    }

    @Test func aFileIsNotADirectory() {
        #expect(refusal("/etc/passwd")?.contains("is not a directory") == true)
    }
}
