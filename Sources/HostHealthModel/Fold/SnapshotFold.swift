/// The latest data of every domain and the status of every enabled reader, folded from the
/// readers' updates: the one place that turns updates into a `HostSnapshot`, for the agent and
/// for `hostctl --direct` alike. Pure: time is passed in.
///
/// Each domain's fold is in the file of its update (`LinkUpdate+Fold.swift`, …).
package struct SnapshotFold: Sendable, Equatable {
    /// The readers that run: their data is expected, and missing data fails closed.
    package let collectors: Set<Collector>
    package internal(set) var readers: [Collector: ReaderStatus]
    /// Bumped by `apply` whenever a domain's data changes (`FoldChange.data`): what was
    /// rendered from the same generation is still current.
    package private(set) var generations: [Collector: UInt64] = [:]

    // Each domain's data; see the domain's fold.
    package internal(set) var links: [String: Link] = [:]
    /// Link name by ifindex: counters arrive by index, and a rename is a new name on a known
    /// index.
    var linkNames: [Int32: String] = [:]
    /// md arrays by kernel name, and the same sorted by name for the snapshot.
    var arraysByName: [String: MDArray] = [:]
    package internal(set) var arrays: [MDArray] = []
    package internal(set) var sensors: [Sensor] = []
    package internal(set) var disks: [String: Disk] = [:]
    package internal(set) var smart: [String: SmartObservation] = [:]
    package internal(set) var kernelDiskErrors = KernelDiskErrors()
    package internal(set) var memory: [MemoryController] = []
    package internal(set) var kernelMemoryErrors = KernelMemoryErrors()
    package internal(set) var cpu = CPUSnapshot()
    package internal(set) var pcieDevices: [String: PCIeDevice] = [:]
    package internal(set) var pcieLogged: [String: [PCIeAERSeverity: UInt64]] = [:]

    package init(collectors: Set<Collector>) {
        self.collectors = collectors
        readers = Dictionary(uniqueKeysWithValues: collectors.map { ($0, ReaderStatus(name: $0.rawValue)) })
    }

    /// Folds one reader's update in; an update of a collector that is off changes nothing.
    @discardableResult
    package mutating func apply<Update: ReaderUpdate>(_ update: Update, at now: Timestamp) -> FoldChange {
        let collector = Update.collector
        guard var status = readers[collector] else { return .nothing }
        let change = update.fold(into: &self, status: &status, at: now)
        readers[collector] = status
        if change == .data { generations[collector, default: 0] &+= 1 }
        return change
    }

    /// Records that a reader could not run or read at all (no socket, a failed dump): its
    /// data ages towards stale and its error is shown. The same for every reader.
    @discardableResult
    package mutating func readerFailed(_ collector: Collector, _ message: String) -> FoldChange {
        guard readers[collector] != nil else { return .nothing }
        readers[collector]?.errors += 1
        readers[collector]?.lastError = message
        return .status
    }

    /// How often `collectors`' data has changed, as one number that grows with each change:
    /// a key for what is rendered from them.
    package func generation(of collectors: some Sequence<Collector>) -> UInt64 {
        collectors.reduce(0) { $0 &+ (generations[$1] ?? 0) }
    }

    /// The order of the readers in the snapshot, and so in the agent's own metrics (kept as
    /// it was before the fold; a collector not listed follows them).
    static let snapshotOrder: [Collector] = [.links, .arrays, .sensors, .disks, .smart, .kmsg]
    static let readerOrder = snapshotOrder + Collector.allCases.filter { !snapshotOrder.contains($0) }

    /// What the policy and the outputs read: the data of enabled collectors only (a domain
    /// that is off is absent, not empty).
    package var snapshot: HostSnapshot {
        var snapshot = HostSnapshot()
        let on = collectors.contains
        if on(.links) { snapshot.links = links }
        if on(.arrays) { snapshot.arrays = arrays }
        if on(.sensors) { snapshot.sensors = sensors }
        if on(.disks) { snapshot.disks = disks }
        if on(.smart) { snapshot.smart = smart }
        if on(.kmsg) {
            snapshot.kernelDiskErrors = kernelDiskErrors
            snapshot.pcieLogged = pcieLogged
        }
        if on(.pcie) { snapshot.pcie = pcieDevices }
        if on(.memory) { snapshot.memory = MemorySnapshot(controllers: memory, kernelErrors: kernelMemoryErrors) }
        if on(.cpu) { snapshot.cpu = cpu }
        snapshot.readers = Self.readerOrder.compactMap { readers[$0] }
        return snapshot
    }
}
