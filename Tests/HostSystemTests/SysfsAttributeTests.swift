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

    @Test func fileLargerThanOneChunkIsReadWhole() throws {
        // 150 KiB: three 64 KiB chunks, the last one partly filled.
        let contents = (0 ..< 150 * 1024).map { Character(UnicodeScalar(UInt8(97 + $0 % 26))) }
        let path = try file(String(contents))
        defer { unlink(path) }
        #expect(FileContents.read(path, limit: 1 << 20) == .success(Array(String(contents).utf8)))
    }

    @Test func procFileThatReportsSizeZeroIsReadWhole() throws {
        // mountinfo does not change within the test; a read that trusted st_size (0) would cut it.
        let expected = try #require(Self.stdio("/proc/self/mountinfo"))
        #expect(FileContents.read("/proc/self/mountinfo", limit: 1 << 20) == .success(expected))
    }

    /// The file as stdio reads it, byte by byte: what `FileContents` must agree with.
    static func stdio(_ path: String) -> [UInt8]? {
        guard let stream = fopen(path, "r") else { return nil }
        defer { fclose(stream) }
        var bytes: [UInt8] = []
        while case let byte = fgetc(stream), byte != EOF { bytes.append(UInt8(byte)) }
        return bytes
    }

    @Test func fileOfExactlyTheLimitIsRead() throws {
        let path = try file(String(repeating: "x", count: 1024))
        defer { unlink(path) }
        #expect(FileContents.read(path, limit: 1024) == .success(Array(repeating: UInt8(ascii: "x"), count: 1024)))
    }

    @Test func errnoDescribesItselfThroughStrerror() {
        #expect(Errno.noSuchFileOrDirectory.description == "No such file or directory")
    }
}
