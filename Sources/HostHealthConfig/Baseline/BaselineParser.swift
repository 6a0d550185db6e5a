internal import YAML
package import HostHealthModel

/// Reads a baseline document. As strict as the configuration: an unknown key, a repeated id
/// or a value of the wrong shape is refused with the file, the line and the key, so that
/// `hostctl baseline validate` can stand in Ansible's `validate=` and Puppet's `validate_cmd`.
///
///     schema: 1
///     recorded_by: hostctl 0.4.0 on db7
///     recorded_at: 2026-12-04T02:00:00Z
///     kinds:
///       disk: {intent: converging, converge_within: 72h}
///     disks:
///       - id: wwn-0x5000c500a1b2c3d4
///         slot: pci-0000:3b:00.0-sas-phy4-lun-0
///     arrays:
///       - id: 4f1c…
///         level: raid1
///         members:
///           - {role: 0, disk: wwn-0x5000c500a1b2c3d4, slot: pci-0000:3b:00.0-sas-phy4-lun-0}
package struct BaselineParser: Sendable {
    package var file: String

    package init(file: String) {
        self.file = file
    }

    static let ruleKeys = ["intent", "on_drift", "converge_within"]

    package func parse(_ text: String) throws(ConfigError) -> Baseline {
        let root: YAMLNode?
        do {
            root = try YAMLParser.parse(text)
        } catch {
            throw ConfigError(file: file, line: error.line, column: error.column, reason: error.message)
        }
        let parser = ConfigParser(file: file)
        guard let root, !root.isNull else {
            throw ConfigError(file: file, line: 1, key: "schema", reason: "empty baseline; expected at least `schema: \(Baseline.schemaVersion)`")
        }
        let sections = DriftDomains.all.map(\.section)
        let allowed = ["schema", "recorded_by", "recorded_at", "kinds"] + sections
        var baseline = Baseline()
        var schemaSeen = false
        var items: [BaselineItem] = []
        var seen: [String: Int] = [:]
        for (key, node) in try parser.mapping(root, path: nil, allowed: allowed) {
            switch key {
            case "schema":
                let version = try parser.integer(node, path: key, range: 1...1_000)
                guard version == Baseline.schemaVersion else {
                    throw parser.error(node, key, "schema \(version) is not one this hostctl reads (it reads \(Baseline.schemaVersion)); record the baseline again or upgrade")
                }
                baseline.schema = version
                schemaSeen = true
            case "recorded_by":
                baseline.recordedBy = try word(node, path: key, parser: parser)
            case "recorded_at":
                baseline.recordedAt = try word(node, path: key, parser: parser)
            case "kinds":
                if node.isNull { continue }
                for (kindName, ruleNode) in try parser.mapping(node, path: key, allowed: DriftDomains.all.map(\.kind.rawValue)) {
                    baseline.kinds[DriftKind(rawValue: kindName)] = try rule(
                        ruleNode, path: "kinds.\(kindName)", parser: parser, allowed: Self.ruleKeys)
                }
            default:
                guard let domain = DriftDomains.all.first(where: { $0.section == key }) else { continue }
                if node.isNull { continue }
                guard case .sequence(let entries) = node.value else {
                    throw parser.error(node, key, "expected a list of \(domain.kind.rawValue) entries, each a mapping with an id")
                }
                for (index, entry) in entries.enumerated() {
                    let item = try self.item(entry, domain: domain, path: "\(key)[\(index)]", parser: parser)
                    if let first = seen[item.key] {
                        throw parser.error(entry, "\(key)[\(index)].id", "\(item.kind.rawValue) \(item.id) is declared twice (first at line \(first))")
                    }
                    seen[item.key] = entry.line
                    items.append(item)
                }
            }
        }
        guard schemaSeen else {
            throw ConfigError(file: file, line: root.line, key: "schema", reason: "missing; a baseline starts with `schema: \(Baseline.schemaVersion)`")
        }
        baseline.items = items.sorted()
        return baseline
    }

    func item(_ node: YAMLNode, domain: any DriftDomain, path: String, parser: ConfigParser) throws(ConfigError) -> BaselineItem {
        let fields = domain.fields
        let allowed = ["id", "slot"] + fields.map(\.name) + Self.ruleKeys
        var item = BaselineItem(kind: domain.kind, id: "")
        let pairs = try parser.mapping(node, path: path, allowed: allowed)
        for (key, value) in pairs {
            let keyPath = "\(path).\(key)"
            switch key {
            case "id":
                item.id = try identity(value, path: keyPath, parser: parser, kind: domain.kind)
            case "slot":
                item.slot = try word(value, path: keyPath, parser: parser)
            case "intent", "on_drift", "converge_within":
                try applyRule(key, value, path: keyPath, parser: parser, to: &item.rule)
            default:
                guard let field = fields.first(where: { $0.name == key }) else { continue }
                try attribute(field, value, path: keyPath, parser: parser, into: &item.attributes)
            }
        }
        guard !item.id.isEmpty else {
            throw parser.error(node, "\(path).id", "missing; every \(domain.kind.rawValue) entry needs its identity")
        }
        return item
    }

    func attribute(_ field: DriftField, _ node: YAMLNode, path: String, parser: ConfigParser, into attributes: inout [String: String]) throws(ConfigError) {
        switch field.shape {
        case .text:
            attributes[field.name] = try word(node, path: path, parser: parser)
        case .integer:
            attributes[field.name] = String(try parser.integer(node, path: path, range: 0...Int(Int32.max)))
        case .list:
            guard case .sequence(let values) = node.value else {
                throw parser.error(node, path, "expected a list, e.g. [\"Core 0\", \"Package id 0\"]")
            }
            var texts: [String] = []
            for (index, value) in values.enumerated() { texts.append(try word(value, path: "\(path)[\(index)]", parser: parser)) }
            attributes[field.name] = DriftList.join(texts)
        case .members:
            guard case .sequence(let members) = node.value else {
                throw parser.error(node, path, "expected a list of members, each {role: 0, disk: wwn-…, slot: …}")
            }
            for (index, member) in members.enumerated() {
                let memberPath = "\(path)[\(index)]"
                var role: Int?
                var disk: String?
                var slot: String?
                for (key, value) in try parser.mapping(member, path: memberPath, allowed: ["role", "disk", "slot"]) {
                    switch key {
                    case "role": role = try parser.integer(value, path: "\(memberPath).role", range: 0...4096)
                    case "disk": disk = try identity(value, path: "\(memberPath).disk", parser: parser, kind: .disk)
                    default: slot = try word(value, path: "\(memberPath).slot", parser: parser)
                    }
                }
                guard let role else { throw parser.error(member, "\(memberPath).role", "missing; the member's role (raid slot) in the array") }
                guard disk != nil || slot != nil else {
                    throw parser.error(member, memberPath, "a member needs its disk, its slot or both")
                }
                guard attributes["member.\(role)"] == nil && attributes["member.\(role).slot"] == nil else {
                    throw parser.error(member, "\(memberPath).role", "role \(role) is declared twice")
                }
                if let disk { attributes["member.\(role)"] = disk }
                if let slot { attributes["member.\(role).slot"] = slot }
            }
        }
    }

    func rule(_ node: YAMLNode, path: String, parser: ConfigParser, allowed: [String]) throws(ConfigError) -> DriftRule {
        var rule = DriftRule()
        if node.isNull { return rule }
        for (key, value) in try parser.mapping(node, path: path, allowed: allowed) {
            try applyRule(key, value, path: "\(path).\(key)", parser: parser, to: &rule)
        }
        return rule
    }

    func applyRule(_ key: String, _ node: YAMLNode, path: String, parser: ConfigParser, to rule: inout DriftRule) throws(ConfigError) {
        switch key {
        case "intent":
            guard let text = node.scalar, let intent = Intent(rawValue: text) else {
                throw parser.error(node, path, "expected immutable or converging")
            }
            rule.intent = intent
        case "on_drift":
            guard let text = node.scalar, let effect = DriftEffect(rawValue: text) else {
                throw parser.error(node, path, "expected one of: fail, degrade, warn, ignore")
            }
            rule.onDrift = effect
        default:
            rule.convergeWithinSeconds = try parser.duration(node, path: path)
        }
    }

    func word(_ node: YAMLNode, path: String, parser: ConfigParser) throws(ConfigError) -> String {
        guard let text = node.scalar, !node.isNull, !text.isEmpty else {
            throw parser.error(node, path, "expected a word or a quoted string")
        }
        guard !text.contains(where: { $0.isNewline }) else { throw parser.error(node, path, "must be on one line") }
        return text
    }

    /// An identity as the readers give it: case and whitespace do not matter.
    func identity(_ node: YAMLNode, path: String, parser: ConfigParser, kind: DriftKind) throws(ConfigError) -> String {
        let raw = try word(node, path: path, parser: parser)
        // Link and chip names are the kernel's and libsensors' own spelling; the rest normalise.
        return kind == .link || kind == .sensorChip ? raw : DriftIdentity.normalise(raw)
    }
}
