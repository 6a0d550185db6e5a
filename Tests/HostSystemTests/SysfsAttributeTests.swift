import Glibc
import HostSystem
import Testing

/// The one rule every reader shares: read whole, drop exactly one trailing newline.
@Suite struct SysfsAttributeTests {
    func file(_ contents: String) throws -> String {
        var template = Array("/tmp/hosthealth-sysfs-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        try #require(fd >= 0)
        defer { close(fd) }
        let written = contents.utf8CString.dropLast().withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        try #require(written == contents.utf8.count)
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func dropsTheKernelsOneTrailingNewline() throws {
        let path = try file("1000\n")
        defer { unlink(path) }
        #expect(SysfsAttribute.text(path) == "1000")
    }

    @Test func keepsPaddingAndSecondNewlineForTheCallerToJudge() throws {
        let path = try file("ST4000DM004   \n\n")
        defer { unlink(path) }
        #expect(SysfsAttribute.text(path) == "ST4000DM004   \n")
    }

    @Test func binaryAttributeIsReadAtAnOffset() throws {
        let path = try file("0123456789")
        defer { unlink(path) }
        #expect(try FileContents.read(path, count: 4, at: 2).get() == Array("2345".utf8))
        #expect(try FileContents.read(path, count: 4, at: 8).get() == Array("89".utf8))
        #expect(try FileContents.read(path, count: 4, at: 20).get() == [])
        #expect(throws: Errno.self) { try FileContents.read("/dev/zero", count: 4, at: 0).get() }
    }

    @Test func missingAttributeIsNoSuchFile() {
        #expect(SysfsAttribute.read("/nonexistent/speed") == .failure(.noSuchFileOrDirectory))
    }

    @Test func deviceIsRefusedRatherThanReadForever() {
        #expect(FileContents.read("/dev/zero", limit: 1024) == .failure(.invalidArgument))
    }

    @Test func fileBeyondTheLimitIsTooLarge() throws {
        let path = try file(String(repeating: "x", count: 2048))
        defer { unlink(path) }
        #expect(FileContents.read(path, limit: 1024) == .failure(.fileTooLarge))
    }

    @Test func errnoDescribesItselfThroughStrerror() {
        #expect(Errno.noSuchFileOrDirectory.description == "No such file or directory")
    }
}
