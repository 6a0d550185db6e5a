/// Reads one sysfs attribute file as text. Under umockdev the preload redirects these paths to
/// the testbed, so readers are tested without a fake file layer of their own.
///
/// The rule, the same for every reader: the file is read whole as `FileContents` reads it
/// (EINTR retried, until end of file, at most `limit` bytes) and exactly one trailing newline
/// — the one the kernel writes after every value — is removed. Any other whitespace is the
/// attribute's own (SCSI pads `device/model` with spaces): callers that want it gone trim it.
package enum SysfsAttribute {
    /// An attribute is at most a page; anything much larger is not an attribute.
    package static let limit = 64 * 1024

    /// The attribute's text, or the errno that stopped the read (ENOENT when absent; ENODEV
    /// when the device vanished mid-read; EINVAL where the kernel has no value, such as a
    /// link's speed without carrier).
    package static func read(_ path: String) -> Result<String, Errno> {
        FileContents.read(path, limit: limit).map { bytes in
            var text = bytes[...]
            if text.last == UInt8(ascii: "\n") { text.removeLast() }
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// The attribute's text, or nil when it cannot be read: for readers to which a missing or
    /// vanished attribute is data, not an error.
    package static func text(_ path: String) -> String? {
        try? read(path).get()
    }
}
