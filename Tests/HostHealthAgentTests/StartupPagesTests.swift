@testable import HostHealthAgent
import Testing

@Suite struct StartupPagesTests {
    /// Trimmed from a real `/proc/PID/smaps` of hosthealthd linked with gold: text, RELRO
    /// (read-only but relocated, so private pages), data, and a library.
    static let smaps = """
        55a0c0000000-55a0c1269000 r-xp 00000000 fe:00 1234 /usr/sbin/hosthealthd
        Size:              18852 kB
        Rss:               13284 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        55a0c126a000-55a0c12e8000 r--p 01269000 fe:00 1234 /usr/sbin/hosthealthd
        Size:                504 kB
        Rss:                 504 kB
        Anonymous:           504 kB
        VmFlags: rd mr mw me ac sd
        55a0c12e8000-55a0c14d6000 rw-p 012e7000 fe:00 1234 /usr/sbin/hosthealthd
        Size:               1976 kB
        Rss:                1912 kB
        Anonymous:           156 kB
        VmFlags: rd wr mr mw me ac sd
        7f3e5ae00000-7f3e5af56000 r-xp 00026000 fe:00 99 /usr/lib/x86_64-linux-gnu/libc.so.6
        Size:               1368 kB
        Rss:                1240 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me sd
        """

    @Test func onlyTheExecutablesReadOnlyMappingWithoutPrivatePagesIsReleasable() {
        let found = StartupPages.releasable(smaps: Self.smaps, path: "/usr/sbin/hosthealthd")
        #expect(found == [
            StartupPages.Mapping(start: 0x55a0_c000_0000, end: 0x55a0_c126_9000, writable: false, residentKB: 13284, anonymousKB: 0),
        ])
    }

    @Test func relocatedReadOnlyDataIsNeverReleased() {
        let relro = Self.smaps.split(separator: "\n").dropFirst(5).prefix(5).joined(separator: "\n")
        #expect(StartupPages.releasable(smaps: relro, path: "/usr/sbin/hosthealthd").isEmpty)
    }

    @Test func anotherPathIsNotReleasable() {
        #expect(StartupPages.releasable(smaps: Self.smaps, path: "/usr/sbin/hosthealth").isEmpty)
    }

    @Test func aReplacedBinaryIsStillRecognised() {
        let deleted = Self.smaps.split(separator: "\n").prefix(5)
            .map { $0.hasSuffix("hosthealthd") ? $0 + " (deleted)" : String($0) }.joined(separator: "\n")
        #expect(StartupPages.releasable(smaps: deleted, path: "/usr/sbin/hosthealthd (deleted)").count == 1)
    }

    /// This test process's own code is released and runs on: refaults, not a crash.
    @Test func theReleaseInThisProcessFindsItsCodeMapped() throws {
        let released = try #require(StartupPages.release())
        #expect(released.mappings >= 1)
        #expect(released.residentKB > 0)
    }
}
