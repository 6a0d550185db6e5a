/// Everything the readers last saw, as one immutable value: the input of the health policy and
/// of the exposition.
package struct HostSnapshot: Sendable, Equatable {
    /// Links by name, present only when the link collector is enabled.
    package var links: [String: Link]?
    /// md arrays sorted by name, present only when the arrays collector is enabled.
    package var arrays: [MDArray]?
    /// Hardware sensors in libsensors' order, present only when the sensors collector is enabled.
    package var sensors: [Sensor]?
    package var readers: [ReaderStatus]
    /// Whole disks by kernel name, present only when the disk collector is enabled.
    package var disks: [String: Disk]?
    /// SMART per disk kernel name, present only when the smart collector is enabled.
    package var smart: [String: SmartObservation]?
    /// Disk trouble from the kernel log, present only when the kmsg collector is enabled.
    package var kernelDiskErrors: KernelDiskErrors?
    /// EDAC memory controllers and the memory errors the kernel log attributed, present only
    /// when the memory collector is enabled.
    package var memory: MemorySnapshot?
    /// CPU packages and the machine checks of the kernel log, present only when the cpu
    /// collector is enabled.
    package var cpu: CPUSnapshot?
    /// PCI functions by bus address, present only when the pcie collector is enabled.
    package var pcie: [String: PCIeDevice]?
    /// AER errors the kernel log reported since the agent started, by bus address and
    /// severity; present only when the kmsg collector is enabled.
    package var pcieLogged: [String: [PCIeAERSeverity: UInt64]]?

    package init(
        links: [String: Link]? = nil, arrays: [MDArray]? = nil, sensors: [Sensor]? = nil, readers: [ReaderStatus] = []
    ) {
        self.links = links
        self.arrays = arrays
        self.sensors = sensors
        self.readers = readers
    }

    package func reader(_ name: String) -> ReaderStatus? {
        readers.first { $0.name == name }
    }
}
