package import HostHealthModel

/// `hostctl inventory --json` and `GET /inventory`: what is there, with the identities a
/// baseline would declare, for Ansible local facts and Puppet external facts.
///
///     {"format_version": 1, "disks": [{"id": "wwn-…", "slot": "pci-…", "name": "sda", …}], …}
package struct InventoryDocument: Sendable, Equatable {
    package var sections: [(section: String, items: [BaselineItem])]

    package init(_ snapshot: HostSnapshot) {
        let observed = DriftDomains.observe(snapshot)
        sections = DriftDomains.all.sorted { $0.section < $1.section }.compactMap { domain in
            observed[domain.kind].map { (domain.section, $0.sorted { $0.item < $1.item }.map { entry in
                var item = entry.item
                for name in entry.unknown { item.attributes[name] = nil }
                return item
            }) }
        }
    }

    package static func == (lhs: InventoryDocument, rhs: InventoryDocument) -> Bool {
        lhs.sections.elementsEqual(rhs.sections) { $0.section == $1.section && $0.items == $1.items }
    }

    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("format_version"); root.number(1)
            for (section, items) in sections {
                root.key(section)
                root.array { list in
                    for item in items {
                        var fields = DiffDocument.fields(item)
                        if item.kind == .sensorChip, let labels = fields["labels"] {
                            fields["labels"] = DriftList.split(labels).joined(separator: ", ")
                        }
                        DiffDocument.write(fields, to: &list)
                    }
                }
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}
