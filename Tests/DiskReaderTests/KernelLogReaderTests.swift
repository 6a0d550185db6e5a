import DiskReader
import Glibc
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Synchronization
import Testing
import HostSystem

/// Through the real kernel: records written to /dev/kmsg (root only) come back through the
/// reader, recognised and attributed.
@Suite("KernelLogReader: disk trouble read from /dev/kmsg", .serialized)
struct KernelLogReaderTests {
    static var canWrite: Bool { getuid() == 0 && access("/dev/kmsg", W_OK) == 0 }

    func write(_ line: String) {
        let fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = line.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    @Test(.enabled(if: canWrite, "needs root and a writable /dev/kmsg"))
    func recordsWrittenAfterStartAreRecognisedAndOldOnesAreNot() throws {
        write("<3>sd 0:0:0:0: [vdz] tag#1 Sense Key : Medium Error [current]\n")  // before start: not read
        let reader = KernelLogReader()
        let seen = Mutex<[DiskTrouble]>([])
        let thread = Thread { try? reader.run { update in seen.withLock { $0 += update.troubles } } }
        usleep(200_000)
        write("<3>I/O error, dev vdz, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2\n")
        write("<6>an ordinary message from hosthealth tests\n")
        write("<3>ata9: hard resetting link\n")
        var troubles: [DiskTrouble] = []
        for _ in 0..<100 {
            troubles = seen.withLock { $0 }
            if troubles.count >= 2 { break }
            usleep(20_000)
        }
        reader.stop()
        thread.join()
        #expect(troubles == [DiskTrouble(kind: .ioError, subject: "vdz"), DiskTrouble(kind: .reset, subject: "ata9")])
    }

    @Test func missingLogIsAnErrorThatSaysWhatToDo() {
        let reader = KernelLogReader(path: "/nonexistent/kmsg")
        #expect(throws: HostHealthError.self) { try reader.run { _ in } }
    }
}

/// A plain POSIX thread for a blocking reader loop.
final class Thread: @unchecked Sendable {
    private var handle = pthread_t()
    private let body: () -> Void

    init(_ body: @escaping () -> Void) {
        self.body = body
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&handle, nil, { pointer in
            let thread = Unmanaged<Thread>.fromOpaque(pointer!).takeRetainedValue()
            thread.body()
            return nil
        }, context)
    }

    func join() {
        pthread_join(handle, nil)
    }
}
