import KernelLogReader
import Dispatch
import Glibc
import HostHealthModel
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
        // The reader's first batch is empty: it says the log is open and read to its end.
        let listening = DispatchSemaphore(value: 0)
        let bothRecognised = DispatchSemaphore(value: 0)
        let thread = Thread {
            try? reader.run { update in
                if update == KernelLogUpdate() { listening.signal() }
                if seen.withLock({ $0 += update.troubles; return $0.count }) >= 2 { bothRecognised.signal() }
            }
        }
        let started = listening.wait(timeout: .now() + 5) == .success
        write("<3>I/O error, dev vdz, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2\n")
        write("<6>an ordinary message from hosthealth tests\n")
        write("<3>ata9: hard resetting link\n")
        _ = bothRecognised.wait(timeout: .now() + 5)
        let troubles = seen.withLock { $0 }
        reader.stop()
        thread.join()
        #expect(started, "the reader did not report that it was reading the log")
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
