package import HostHealthModel

/// The disk domain's kernel-log lines: I/O errors, medium errors, timeouts, resets and
/// filesystems giving up, by the device the kernel names.
package struct DiskTroubleParser: KernelLogParser {
    package init() {}

    package func recognise(_ record: KernelLogRecord) -> (any KernelLogEvent)? {
        DiskTrouble.recognise(record.message)
    }
}

/// Telling disk trouble from every other kernel message: the reader's half of `DiskTrouble`.
extension DiskTrouble {
    /// Recognises the kernel's disk-trouble messages (formats of kernels 4.x to 6.x); nil for
    /// every other message. One event is counted once: the follow-up lines a failure prints
    /// (CDB, sense descriptors, `failed command`) are not matched.
    package static func recognise(_ message: String) -> DiskTrouble? {
        // block layer, 4.x–5.x: "blk_update_request: I/O error, dev sda, sector 8 op 0x0:(READ) …"
        // 5.x+: "I/O error, dev sda, sector 8 op 0x0:(READ) …", "critical medium error, dev sdb, …"
        if let range = message.firstRange(of: " error, dev ") {
            let subject = word(in: message[range.upperBound...], until: ",")
            var what = message[..<range.lowerBound]
            if let colon = what.ranges(of: ": ").last { what = what[colon.upperBound...] }
            let kind: DiskErrorKind = what.contains("medium") ? .mediumError : what.contains("timeout") ? .timeout : .ioError
            return subject.map { DiskTrouble(kind: kind, subject: $0) }
        }
        if let range = message.firstRange(of: "Buffer I/O error on dev ") {
            return word(in: message[range.upperBound...], until: ",").map { DiskTrouble(kind: .bufferIOError, subject: $0) }
        }
        if message.hasPrefix("sd ") {
            // "sd 2:0:0:0: [sdb] tag#3 Sense Key : Medium Error [current]"
            let kind: DiskErrorKind? =
                message.contains("Sense Key : Medium Error") ? .mediumError
                : message.contains("timing out command") ? .timeout
                : message.contains("rejecting I/O to offline device") ? .ioError
                : nil
            guard let kind else { return nil }
            if let open = message.firstIndex(of: "["), let name = word(in: message[message.index(after: open)...], until: "]") {
                return DiskTrouble(kind: kind, subject: name)
            }
            // "sd 0:0:1:0: rejecting …": the address ends at the colon before the space.
            let rest = message.dropFirst(3)
            guard let end = rest.firstRange(of: ": ") else { return nil }
            let address = rest[..<end.lowerBound]
            return address.isEmpty || address.contains(" ") ? nil : DiskTrouble(kind: kind, subject: String(address))
        }
        if message.hasPrefix("ata") {
            // "ata1: hard resetting link", "ata3.00: cmd 60/… Emask 0x4 (timeout)"
            guard let port = word(in: message, until: ":").map({ String($0.split(separator: ".")[0]) }) else { return nil }
            if message.contains("resetting link") { return DiskTrouble(kind: .reset, subject: port) }
            if message.contains("Emask"), message.hasSuffix("(timeout)") { return DiskTrouble(kind: .timeout, subject: port) }
            return nil
        }
        if message.hasPrefix("nvme nvme") {
            // "nvme nvme0: I/O 123 QID 4 timeout, aborting", "nvme nvme0: resetting controller"
            guard let controller = word(in: message.dropFirst(5), until: ":") else { return nil }
            if message.contains(" timeout") { return DiskTrouble(kind: .timeout, subject: controller) }
            if message.contains("resetting controller") || message.contains("will reset") {
                return DiskTrouble(kind: .reset, subject: controller)
            }
            return nil
        }
        if message.hasPrefix("nvme"), message.contains(": I/O Cmd("), message.contains("Error") {
            // 5.15+: "nvme0n1: I/O Cmd(0x2) @ LBA 5000, 8 blocks, I/O Error (sct 0x2 / sc 0x81) DNR"
            return word(in: message, until: ":").map { DiskTrouble(kind: .ioError, subject: $0) }
        }
        return filesystemGaveUp(message)
    }

    /// "EXT4-fs (sda1): Remounting filesystem read-only", "XFS (sdb1): … Shutting down
    /// filesystem", "BTRFS error (device sdc1 state EA): … forced readonly".
    static func filesystemGaveUp(_ message: String) -> DiskTrouble? {
        let filesystems = ["EXT4-fs", "EXT3-fs", "EXT2-fs", "XFS", "BTRFS"]
        guard filesystems.contains(where: { message.hasPrefix($0) }) else { return nil }
        let lowered = message.lowercased()
        guard lowered.contains("read-only") || lowered.contains("readonly") || lowered.contains("shutting down filesystem")
        else { return nil }
        guard let open = message.firstIndex(of: "(") else { return nil }
        var inside = message[message.index(after: open)...]
        if inside.hasPrefix("device ") { inside = inside.dropFirst(7) }
        let end = inside.firstIndex { $0 == ")" || $0 == " " } ?? inside.endIndex
        let device = inside[..<end]
        return device.isEmpty ? nil : DiskTrouble(kind: .filesystemReadOnly, subject: String(device))
    }

    /// The text up to `terminator` (exclusive), when it is a plausible device word.
    private static func word(in text: Substring, until terminator: Character) -> String? {
        guard let end = text.firstIndex(of: terminator) else { return nil }
        let word = text[..<end]
        guard !word.isEmpty, word.count <= 64, !word.contains(" ") else { return nil }
        return String(word)
    }

    private static func word(in text: String, until terminator: Character) -> String? {
        word(in: text[...], until: terminator)
    }
}
