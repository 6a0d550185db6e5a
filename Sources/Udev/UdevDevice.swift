/// One device as libudev describes it, copied out of libudev into a value so it can leave the
/// thread libudev is confined to.
package struct UdevDevice: Sendable, Equatable {
    /// `/sys/devices/...`: unique while the device exists.
    package var syspath: String
    /// The kernel name: `sda`, `md0`, `hwmon0`.
    package var sysname: String
    package var subsystem: String?
    /// `disk` or `partition` for block devices.
    package var devtype: String?
    package var devnode: String?
    /// nil when enumerated; the uevent's action (`add`, `remove`, `change`, …) when received.
    package var action: String?
    /// udev properties: the kernel's uevent variables and what udev rules added (`ID_SERIAL`,
    /// `HOSTHEALTH_IGNORE`, …).
    package var properties: [String: String]
    /// Symlinks udev made for the node: `/dev/disk/by-id/...`, `/dev/disk/by-path/...`.
    package var devlinks: [String]
    /// The nearest parent device's syspath.
    package var parentSyspath: String?

    package init(
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
package struct UdevMatch: Sendable, Equatable {
    package var subsystem: String
    /// nil matches every devtype of the subsystem.
    package var devtype: String?

    package init(subsystem: String, devtype: String? = nil) {
        self.subsystem = subsystem
        self.devtype = devtype
    }

    func matches(_ device: UdevDevice) -> Bool {
        device.subsystem == subsystem && (devtype == nil || device.devtype == devtype)
    }
}

/// Why a watcher's handler runs.
package enum UdevWakeup: Sendable, Equatable {
    /// The enumeration at start: every matching device there is.
    case started([UdevDevice])
    /// The uevents received since the last wakeup, oldest first.
    case events([UdevDevice])
    /// Events were lost (the socket's buffer overflowed): a fresh enumeration instead.
    case overflow([UdevDevice])
    /// The time the handler last asked for passed without anything else happening.
    case timeout
}
