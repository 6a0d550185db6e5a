/// Disks by WWN (or NVMe EUI/NGUID, which the reader gives as the WWN), else model and
/// serial; their slot is the by-path name, so a replacement in the same bay is told from a move.
package struct DiskDrift: DriftDomain {
    package var kind: DriftKind { .disk }
    package var section: String { "disks" }
    package var collector: Collector { .disks }
    package var fields: [DriftField] { [DriftField("model"), DriftField("serial")] }

    package init() {}

    package func observe(_ snapshot: HostSnapshot) -> [ObservedItem]? {
        guard let disks = snapshot.disks else { return nil }
        return disks.values.filter { $0.identity.removable != true }.map { disk in
            var attributes: [String: String] = [:]
            if let model = disk.identity.model, !model.isEmpty { attributes["model"] = DriftIdentity.normalise(model) }
            if let serial = disk.identity.serial, !serial.isEmpty { attributes["serial"] = DriftIdentity.normalise(serial) }
            return ObservedItem(item: BaselineItem(
                kind: kind, id: Self.id(disk), slot: Self.slot(disk.identity), attributes: attributes, name: disk.name,
                component: ComponentID(kind: .disk, key: disk.identity.key(fallbackName: disk.name))))
        }
    }

    /// `wwn-0x5000c500a1b2c3d4`, else `serial-<model>_<serial>`, else the slot: a disk that
    /// tells nothing about itself is known by where it sits.
    package static func id(_ disk: Disk) -> String {
        let identity = disk.identity
        if let wwn = identity.wwn, !wwn.isEmpty { return "wwn-" + DriftIdentity.normalise(wwn) }
        if let serial = identity.serial, !serial.isEmpty {
            return "serial-" + DriftIdentity.normalise([identity.model ?? "", serial].filter { !$0.isEmpty }.joined(separator: " "))
        }
        if let slot = slot(identity) { return "path-" + slot }
        return "name-" + disk.name
    }

    /// The by-path link's name (`pci-0000:3b:00.0-sas-phy4-lun-0`), else the sysfs location.
    package static func slot(_ identity: DiskIdentity) -> String? {
        if let byPath = identity.byPath, !byPath.isEmpty {
            return byPath.split(separator: "/").last.map(String.init) ?? byPath
        }
        return identity.sysfsPath
    }
}

/// md arrays by UUID with their level, slot count, spares and which disk holds each role.
package struct ArrayDrift: DriftDomain {
    package var kind: DriftKind { .array }
    package var section: String { "arrays" }
    package var collector: Collector { .arrays }
    package var fields: [DriftField] {
        [DriftField("level"), DriftField("raid_disks", .integer), DriftField("spares", .integer), DriftField("members", .members)]
    }

    package init() {}

    package func observe(_ snapshot: HostSnapshot) -> [ObservedItem]? {
        guard let arrays = snapshot.arrays else { return nil }
        return arrays.compactMap { array in
            guard let uuid = array.uuid, !uuid.isEmpty, array.problem == nil else { return nil }
            var attributes: [String: String] = [:]
            var unknown = Set<String>()
            if let level = array.level { attributes["level"] = level } else { unknown.insert("level") }
            if let raidDisks = array.raidDisks { attributes["raid_disks"] = String(raidDisks) } else { unknown.insert("raid_disks") }
            attributes["spares"] = String(array.members.filter { !$0.isFaulty && $0.slot == nil && !$0.roleUnknown && !$0.flags.contains(.journal) }.count)
            for member in array.members where !member.isFaulty {
                guard let role = member.slot else {
                    if member.roleUnknown { unknown.insert("member.") }
                    continue
                }
                let key = "member.\(role)"
                if let disk = Self.disk(holding: member.name, in: snapshot.disks) {
                    attributes[key] = DiskDrift.id(disk)
                    if let slot = DiskDrift.slot(disk.identity) { attributes[key + ".slot"] = slot }
                } else {
                    // The disk reader does not show the disk under it: the role is held, by
                    // whom is unknown.
                    unknown.insert(key)
                    unknown.insert(key + ".slot")
                }
            }
            return ObservedItem(item: BaselineItem(
                kind: kind, id: DriftIdentity.normalise(uuid), attributes: attributes, name: array.name,
                component: ComponentID(kind: .array, key: uuid)), unknown: unknown)
        }
    }

    /// The whole disk under a member device: `sdc` for `sdc1`, `nvme0n1` for `nvme0n1p2`,
    /// the disk itself for a whole-disk member.
    package static func disk(holding member: String, in disks: [String: Disk]?) -> Disk? {
        guard let disks else { return nil }
        if let disk = disks[member] { return disk }
        var candidate = Substring(member)
        while let last = candidate.last, last.isNumber { candidate.removeLast() }
        guard candidate.count < member.count else { return nil }
        if let disk = disks[String(candidate)] { return disk }
        if candidate.last == "p", let disk = disks[String(candidate.dropLast())] { return disk }
        return nil
    }
}

/// Network links by name, with the permanent MAC and PCI path that tell a swapped card, and
/// the speed, duplex and MTU the host was built for.
package struct LinkDrift: DriftDomain {
    package var kind: DriftKind { .link }
    package var section: String { "links" }
    package var collector: Collector { .links }
    package var fields: [DriftField] {
        [DriftField("permanent_mac"), DriftField("pci_path"), DriftField("speed", .integer), DriftField("duplex"), DriftField("mtu", .integer)]
    }

    package init() {}

    package func observe(_ snapshot: HostSnapshot) -> [ObservedItem]? {
        guard let links = snapshot.links else { return nil }
        return links.values.map { link in
            var attributes: [String: String] = [:]
            var unknown = Set<String>()
            // The reader writes MACs in lower-case hex already.
            if let mac = link.permanentAddress, !mac.isEmpty { attributes["permanent_mac"] = mac }
            if let path = link.parentDevice, !path.isEmpty { attributes["pci_path"] = path }
            if let mtu = link.mtu { attributes["mtu"] = String(mtu) } else { unknown.insert("mtu") }
            // Without carrier the driver reports no speed: not a change of speed.
            if link.carrier == true, let speed = link.speedMbps { attributes["speed"] = String(speed) } else { unknown.insert("speed") }
            if link.carrier == true, let duplex = link.duplex { attributes["duplex"] = duplex.rawValue } else { unknown.insert("duplex") }
            return ObservedItem(
                item: BaselineItem(kind: kind, id: link.name, attributes: attributes, name: link.name,
                                   component: ComponentID(kind: .link, key: link.name)),
                unknown: unknown, declarable: link.kind == "physical")
        }
    }
}

/// Sensor chips by libsensors' name, which carries the bus and address
/// (`nct6779-isa-0290`), with the labels the operator expects to read on them.
package struct SensorChipDrift: DriftDomain {
    package var kind: DriftKind { .sensorChip }
    package var section: String { "sensor_chips" }
    package var collector: Collector { .sensors }
    package var fields: [DriftField] { [DriftField("labels", .list)] }

    package init() {}

    package func observe(_ snapshot: HostSnapshot) -> [ObservedItem]? {
        guard let sensors = snapshot.sensors else { return nil }
        var labels: [String: [String]] = [:]
        for sensor in sensors { labels[sensor.chip, default: []].append(sensor.label) }
        return labels.map { chip, labels in
            ObservedItem(item: BaselineItem(kind: kind, id: chip, attributes: ["labels": DriftList.join(labels)], name: chip))
        }
    }
}

/// PCIe functions that matter (network, storage, GPU, accelerator; not bridges nor virtual
/// functions) by bus address, with their ids and the link they trained at: a card that came
/// back at x8 where x16 was declared, or at Gen3 where Gen4 was, is drift even when the slot
/// would allow no more today. A GPU's rate follows its load and is never compared.
package struct PCIeDeviceDrift: DriftDomain {
    package var kind: DriftKind { .pcieDevice }
    package var section: String { "pcie_devices" }
    package var collector: Collector { .pcie }
    package var fields: [DriftField] {
        [DriftField("ids"), DriftField("serial"), DriftField("link_speed"), DriftField("link_width", .integer)]
    }

    package init() {}

    package func observe(_ snapshot: HostSnapshot) -> [ObservedItem]? {
        guard let devices = snapshot.pcie else { return nil }
        return devices.values.map { device in
            var attributes: [String: String] = [:]
            var unknown = Set<String>()
            if let vendor = device.vendorID, let product = device.deviceID {
                attributes["ids"] = "\(PCIeDevice.hex(vendor)):\(PCIeDevice.hex(product))"
            }
            // Read only as root: unprivileged, a missing serial is not a change.
            if let serial = device.serialNumber, !serial.isEmpty { attributes["serial"] = serial } else { unknown.insert("serial") }
            if let speed = device.link.current.transfersPerSecond, !device.category.rateVariesWithLoad {
                attributes["link_speed"] = PCIeLinkState.speedText(speed)
            } else {
                unknown.insert("link_speed")
            }
            if let width = device.link.current.width, width > 0 { attributes["link_width"] = String(width) } else { unknown.insert("link_width") }
            return ObservedItem(
                item: BaselineItem(kind: kind, id: device.address, attributes: attributes, name: device.name,
                                   component: ComponentID(kind: .pcie, key: device.address)),
                unknown: unknown, declarable: device.category.linkMatters && !device.isVirtualFunction)
        }
    }
}
