package import HostHealthModel

/// Reads md arrays from `<root>/block/mdX/md/`. Each array is read on its own: an attribute
/// that cannot be read or understood marks that array's `problem` and never fails the others.
package struct MDArrayReader: Sendable {
    /// The sysfs mount point; a test points it at a tree of its own.
    package var sysfsRoot: String

    /// Array attributes read, in the order the parser wants them.
    static let arrayAttributes = [
        "uuid", "level", "raid_disks", "degraded", "array_state", "sync_action", "last_sync_action",
        "sync_completed", "sync_speed", "mismatch_cnt", "chunk_size", "metadata_version",
        "component_size", "reshape_position", "resync_start", "layout",
    ]
    static let memberAttributes = ["state", "errors", "slot"]

    package init(sysfsRoot: String = "/sys") {
        self.sysfsRoot = sysfsRoot
    }

    /// The names of md devices that have an `md/` folder, sorted (`md0`, `md1`, `md10`, …).
    package func arrayNames() -> [String] {
        SysfsFiles.list("\(sysfsRoot)/block")
            .filter { Self.isArrayName($0) && SysfsFiles.isDirectory("\(sysfsRoot)/block/\($0)/md") }
            .sorted { ($0.count, $0) < ($1.count, $1) }
    }

    /// Every array, each read on its own.
    package func readAll() -> [MDArray] {
        arrayNames().compactMap(read)
    }

    /// One array, or nil when it has no `md/` folder (it was stopped, or is not an md device).
    package func read(_ name: String) -> MDArray? {
        guard Self.isArrayName(name) else { return nil }
        let folder = "\(sysfsRoot)/block/\(name)/md"
        guard SysfsFiles.isDirectory(folder) else { return nil }
        return MDArrayParser.parse(attributes(name: name, folder: folder))
    }

    func attributes(name: String, folder: String) -> MDAttributes {
        var attributes = MDAttributes(name: name)
        for key in Self.arrayAttributes {
            attributes.values[key] = SysfsFiles.read("\(folder)/\(key)")
        }
        for entry in SysfsFiles.list(folder) {
            if entry.hasPrefix("dev-") {
                var values: [String: SysfsFiles.Value] = [:]
                for key in Self.memberAttributes {
                    values[key] = SysfsFiles.read("\(folder)/\(entry)/\(key)")
                }
                attributes.members[String(entry.dropFirst(4))] = values
            } else if entry.hasPrefix("rd"), let slot = Int(entry.dropFirst(2)) {
                // A link to `dev-sdc1` on a real kernel; some captured trees hold the name as text.
                let target = SysfsFiles.linkTarget("\(folder)/\(entry)") ?? {
                    if case .text(let text) = SysfsFiles.read("\(folder)/\(entry)") { return text }
                    return nil
                }()
                if let target, let member = target.split(separator: "/").last, member.hasPrefix("dev-") {
                    attributes.roles[String(member.dropFirst(4))] = slot
                }
            }
        }
        return attributes
    }

    /// `md0`, `md127`: the kernel's names for md devices (partitions such as `md0p1` are not arrays).
    package static func isArrayName(_ name: String) -> Bool {
        name.hasPrefix("md") && name.count > 2 && name.dropFirst(2).allSatisfy(\.isNumber)
    }
}
