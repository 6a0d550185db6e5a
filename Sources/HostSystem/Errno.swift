internal import Glibc

/// An errno value from a failed system call. A struct with named constants rather than an enum
/// (as in swift-system), so a code the kernel adds later is still a value, and its text comes
/// from strerror(3) rather than a table of our own.
package struct Errno: Error, Sendable, Hashable, CustomStringConvertible {
    package var rawValue: Int32

    package init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The calling thread's errno: read it straight after the call that failed, before anything
    /// else can overwrite it.
    package static var current: Errno { Errno(rawValue: errno) }

    /// strerror(3)'s text, e.g. "No such file or directory". glibc returns constant strings for
    /// known codes, so this is safe from any thread.
    package var description: String { String(cString: strerror(rawValue)) }

    package static let notPermitted = Errno(rawValue: EPERM)
    package static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    package static let noSuchProcess = Errno(rawValue: ESRCH)
    package static let interrupted = Errno(rawValue: EINTR)
    package static let ioError = Errno(rawValue: EIO)
    package static let noChildProcess = Errno(rawValue: ECHILD)
    package static let wouldBlock = Errno(rawValue: EAGAIN)
    package static let permissionDenied = Errno(rawValue: EACCES)
    package static let fileExists = Errno(rawValue: EEXIST)
    package static let noSuchDevice = Errno(rawValue: ENODEV)
    package static let notDirectory = Errno(rawValue: ENOTDIR)
    package static let isDirectory = Errno(rawValue: EISDIR)
    package static let invalidArgument = Errno(rawValue: EINVAL)
    package static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    package static let fileTooLarge = Errno(rawValue: EFBIG)
    package static let protocolNotSupported = Errno(rawValue: EPROTONOSUPPORT)
    package static let addressFamilyNotSupported = Errno(rawValue: EAFNOSUPPORT)
    /// From a netlink or udev socket: the kernel dropped messages for it (events were lost).
    package static let noBufferSpace = Errno(rawValue: ENOBUFS)
    package static let timedOut = Errno(rawValue: ETIMEDOUT)
}
