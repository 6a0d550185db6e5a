/// One device as libudev describes it, copied out of libudev into a value so it can leave the
/// thread libudev is confined to.
public struct UdevDevice: Sendable, Equatable {
    /// `/sys/devices/...`: unique while the device exists.
    public var syspath: String
    /// The kernel name: `sda`, `md0`, `hwmon0`.
    public var sysname: String
    public var subsystem: String?
    /// `disk` or `partition` for block devices.
    public var devtype: String?
    public var devnode: String?
    /// nil when enumerated; the uevent's action (`add`, `remove`, `change`, …) when received.
    public var action: String?
    /// udev properties: the kernel's uevent variables and what udev rules added (`ID_SERIAL`,
    /// `HOSTHEALTH_IGNORE`, …).
    public var properties: [String: String]
    /// Symlinks udev made for the node: `/dev/disk/by-id/...`, `/dev/disk/by-path/...`.
    public var devlinks: [String]
    /// The nearest parent device's syspath.
    public var parentSyspath: String?

    public init(
        syspath: String, sysname: String, subsystem: String? = nil, devtype: String? = nil, devnode: String? = nil,
        action: String? = nil, properties: [String: String] = [:], devlinks: [String] = [], parentSyspath: String? = nil
    ) {
        self.syspath = syspath
        self.sysname = sysname
        self.subsystem = subsystem
        self.devtype = devtype
        self.devnode = devnode
        self.action = action
        self.properties = properties
        self.devlinks = devlinks
        self.parentSyspath = parentSyspath
    }
}

/// Which devices a watcher enumerates and hears about.
public struct UdevMatch: Sendable, Equatable {
    public var subsystem: String
    /// nil matches every devtype of the subsystem.
    public var devtype: String?

    public init(subsystem: String, devtype: String? = nil) {
        self.subsystem = subsystem
        self.devtype = devtype
    }

    func matches(_ device: UdevDevice) -> Bool {
        device.subsystem == subsystem && (devtype == nil || device.devtype == devtype)
    }
}

/// Why a watcher's handler runs.
public enum UdevWakeup: Sendable, Equatable {
    /// The enumeration at start: every matching device there is.
    case started([UdevDevice])
    /// The uevents received since the last wakeup, oldest first.
    case events([UdevDevice])
    /// Events were lost (the socket's buffer overflowed): a fresh enumeration instead.
    case overflow([UdevDevice])
    /// The time the handler last asked for passed without anything else happening.
    case timeout
}

/// A libudev call failed.
public struct UdevError: Error, CustomStringConvertible {
    public var message: String
    public var errno: Int32

    init(_ message: String, errno: Int32) {
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
