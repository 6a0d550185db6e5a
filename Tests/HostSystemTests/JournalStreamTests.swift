import Glibc
import HostSystem
import Testing

@Suite struct JournalStreamTests {
    /// A descriptor and the `JOURNAL_STREAM` value systemd would have set for it.
    private func openFile() throws -> (fd: Int32, variable: String) {
        var template = Array("/tmp/journal-stream-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        try #require(fd >= 0)
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        var status = stat()
        try #require(fstat(fd, &status) == 0)
        return (fd, "\(status.st_dev):\(status.st_ino)")
    }

    @Test func theStreamSystemdNamedIsConnected() throws {
        let file = try openFile()
        defer { close(file.fd) }
        #expect(JournalStream.isConnected(file.fd, variable: file.variable))
    }

    @Test func anotherDescriptorIsNot() throws {
        let first = try openFile(), second = try openFile()
        defer { close(first.fd); close(second.fd) }
        // Inherited by a child whose stderr was redirected elsewhere: the variable is stale.
        #expect(!JournalStream.isConnected(second.fd, variable: first.variable))
    }

    @Test(arguments: [nil, "", "8", "8:", ":12", "8:12:1", "x:12", "-1:12", " 8:12"])
    func aMalformedOrMissingVariableIsNot(variable: String?) throws {
        let file = try openFile()
        defer { close(file.fd) }
        #expect(!JournalStream.isConnected(file.fd, variable: variable))
    }

    @Test func aDescriptorThatIsNotOpenIsNot() throws {
        let file = try openFile()
        defer { close(file.fd) }
        // Not a closed number: tests run in parallel and another one may be given it at once.
        #expect(!JournalStream.isConnected(-1, variable: file.variable))
    }
}
