@testable import HostHealthAgent
import Testing

@Suite struct StartupPagesTests {
    /// Trimmed from a real `/proc/PID/smaps` of hosthealthd linked with gold: text, RELRO
    /// (read-only but relocated, so private pages), data, libc's text, the udev hwdb and vdso.
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
        7f3e5b000000-7f3e5b9b8000 r--p 00000000 fe:00 77 /etc/udev/hwdb.bin
        Size:              10976 kB
        Rss:                 120 kB
        Anonymous:             0 kB
        VmFlags: rd mr mw me sd
        7ffd1b5f0000-7ffd1b5f2000 r-xp 00000000 00:00 0 [vdso]
        Size:                  8 kB
        Rss:                   8 kB
        Anonymous:             0 kB
        VmFlags: rd ex mr mw me de sd
        """

    static func lines(_ range: Range<Int>) -> String {
        smaps.split(separator: "\n")[range].joined(separator: "\n")
    }

    @Test func theProgramsAndLibrariesCleanCodeIsReleasable() {
        #expect(StartupPages.releasable(smaps: Self.smaps).map(\.path) == [
            "/usr/sbin/hosthealthd", "/usr/lib/x86_64-linux-gnu/libc.so.6",
        ])
        #expect(StartupPages.releasable(smaps: Self.smaps).first == StartupPages.Mapping(
            start: 0x55a0_c000_0000, end: 0x55a0_c126_9000, permissions: "r-xp", path: "/usr/sbin/hosthealthd",
            residentKB: 13284, anonymousKB: 0))
    }

    @Test func relocatedReadOnlyDataIsNeverReleased() {
        // The RELRO mapping alone, next to its program's text.
        let relro = Self.lines(0..<10)
        #expect(StartupPages.releasable(smaps: relro).map(\.permissions) == ["r-xp"])
    }

    @Test func writableMappingsAreNeverReleased() {
        #expect(!StartupPages.releasable(smaps: Self.smaps).contains { $0.permissions.contains("w") })
    }

    @Test func aMappedDataFileIsNotReleased() {
        #expect(!StartupPages.releasable(smaps: Self.smaps).contains { $0.path == "/etc/udev/hwdb.bin" })
    }

    @Test func aReplacedBinaryIsStillRecognised() {
        let deleted = Self.smaps.split(separator: "\n").prefix(5)
            .map { $0.hasSuffix("hosthealthd") ? $0 + " (deleted)" : String($0) }.joined(separator: "\n")
        #expect(StartupPages.releasable(smaps: deleted).map(\.path) == ["/usr/sbin/hosthealthd (deleted)"])
    }

    /// This test process's own code is released and runs on: refaults, not a crash.
    @Test func theReleaseInThisProcessFindsItsCodeMapped() throws {
        let released = try #require(StartupPages.release())
        #expect(released.mappings >= 2)
        #expect(released.residentKB > 0)
    }
}
