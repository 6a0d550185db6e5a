internal import CUdev
internal import Glibc
internal import HostSystem

/// A libudev context with its monitor. libudev objects must stay on the thread that made them,
/// so this class is never shared: `UdevWatcher.run` makes, uses and frees it on one thread.
final class UdevContext {
    private let udev: OpaquePointer
    private var monitor: OpaquePointer?

    init() throws(HostHealthError) {
        guard let udev = udev_new() else {
            let code = Errno.current
            throw HostHealthError(.udev, "cannot create a udev context: \(code)", cause: code)
        }
        self.udev = udev
    }

    deinit {
        if let monitor { udev_monitor_unref(monitor) }
        udev_unref(udev)
    }

    /// Starts listening to the events udev sends once its rules have run, for `matches`.
    /// Returns the socket to poll.
    func listen(_ matches: [UdevMatch], receiveBufferBytes: Int32) throws(HostHealthError) -> Int32 {
        guard let monitor = udev_monitor_new_from_netlink(udev, "udev") else {
            let code = Errno.current
            throw HostHealthError(.udev, "cannot open the udev event socket: \(code)", cause: code)
        }
        self.monitor = monitor
        for match in matches {
            udev_monitor_filter_add_match_subsystem_devtype(monitor, match.subsystem, match.devtype)
        }
        // A failure only leaves the default buffer (it needs CAP_NET_ADMIN beyond rmem_max).
        _ = udev_monitor_set_receive_buffer_size(monitor, receiveBufferBytes)
        let status = udev_monitor_enable_receiving(monitor)
        guard status >= 0 else {
            let code = Errno(rawValue: -status)
            throw HostHealthError(.udev, "cannot listen to udev events: \(code)", cause: code)
        }
        return udev_monitor_get_fd(monitor)
    }

    /// The events waiting on the socket, without blocking. `overflowed` when the kernel dropped
    /// some: the caller must re-read whole.
    func receive() -> (devices: [UdevDevice], overflowed: Bool) {
        guard let monitor else { return ([], false) }
        var devices: [UdevDevice] = []
        while true {
            errno = 0
            guard let device = udev_monitor_receive_device(monitor) else {
                return (devices, errno == ENOBUFS)
            }
            devices.append(Self.copy(device))
            udev_device_unref(device)
        }
    }

    /// Every device that matches, now.
    func enumerate(_ matches: [UdevMatch]) -> [UdevDevice] {
        var devices: [UdevDevice] = []
        for subsystem in Set(matches.map(\.subsystem)).sorted() {
            guard let enumeration = udev_enumerate_new(udev) else { continue }
            defer { udev_enumerate_unref(enumeration) }
            udev_enumerate_add_match_subsystem(enumeration, subsystem)
            udev_enumerate_scan_devices(enumeration)
            var entry = udev_enumerate_get_list_entry(enumeration)
            while let current = entry {
                if let path = udev_list_entry_get_name(current), let device = udev_device_new_from_syspath(udev, path) {
                    let copied = Self.copy(device)
                    udev_device_unref(device)
                    if matches.contains(where: { $0.matches(copied) }) { devices.append(copied) }
                }
                entry = udev_list_entry_get_next(current)
            }
        }
        return devices
    }

    private static func copy(_ device: OpaquePointer) -> UdevDevice {
        var properties: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(device)
        while let current = entry {
            if let name = udev_list_entry_get_name(current) {
                properties[String(cString: name)] = udev_list_entry_get_value(current).map { String(cString: $0) } ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        var devlinks: [String] = []
        entry = udev_device_get_devlinks_list_entry(device)
        while let current = entry {
            if let name = udev_list_entry_get_name(current) { devlinks.append(String(cString: name)) }
            entry = udev_list_entry_get_next(current)
        }
        // The parent is borrowed from the child: not unreferenced here.
        let parent = udev_device_get_parent(device)
        return UdevDevice(
            syspath: string(udev_device_get_syspath(device)) ?? "",
            sysname: string(udev_device_get_sysname(device)) ?? "",
            subsystem: string(udev_device_get_subsystem(device)),
            devtype: string(udev_device_get_devtype(device)),
            devnode: string(udev_device_get_devnode(device)),
            action: string(udev_device_get_action(device)),
            properties: properties,
            devlinks: devlinks.sorted(),
            parentSyspath: parent.flatMap { string(udev_device_get_syspath($0)) })
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
