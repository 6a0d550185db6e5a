internal import HostHealthModel

/// Turns the text of an array's sysfs attributes into an `MDArray`.
///
/// Everything the kernel writes while an array changes is data: `none`, `delayed`, an empty
/// `level` or `raid_disks`, `4 (3)` during a reshape, attributes a level does not have. Only a
/// value that means nothing (a number that is not one, a state word no kernel writes) becomes
/// the array's `problem`; the parse goes on so the operator still sees what could be read.
struct MDArrayParser {
    private var attributes: MDAttributes
    private var problems: [String] = []

    static func parse(_ attributes: MDAttributes) -> MDArray {
        var parser = MDArrayParser(attributes: attributes)
        return parser.array()
    }

    private init(attributes: MDAttributes) {
        self.attributes = attributes
    }

    private mutating func array() -> MDArray {
        var array = MDArray(name: attributes.name, arrayState: nil)
        array.uuid = text("uuid").flatMap { $0.isEmpty ? nil : $0 }
        array.level = text("level").flatMap { $0.isEmpty ? nil : $0 }
        if let raidDisks = text("raid_disks"), !raidDisks.isEmpty {
            // `new (old)` while a reshape changes the number of disks.
            let (new, old) = reshapePair(raidDisks)
            array.raidDisks = number(new, "raid_disks", whole: raidDisks, limit: Self.countLimit).map { Int($0) }
            array.previousRaidDisks = old.flatMap { number($0, "raid_disks", whole: raidDisks, limit: Self.countLimit) }.map { Int($0) }
        }
        array.degraded = number("degraded", limit: Self.countLimit).map { Int($0) }
        array.arrayState = word("array_state", ArrayState.init(rawValue:))
        array.syncAction = word("sync_action", SyncAction.init(rawValue:))
        // Older kernels lack it; an odd value here is not worth failing the array for.
        array.lastSyncAction = text("last_sync_action").flatMap(SyncAction.init(rawValue:))
        array.syncCompleted = syncCompleted()
        array.syncSpeedBytesPerSecond = number("sync_speed", noneIsNil: true, limit: Self.kibibyteLimit).map { $0 * 1024 }
        array.mismatchSectors = number("mismatch_cnt")
        array.chunkSizeBytes = number("chunk_size")
        array.metadataVersion = text("metadata_version").flatMap { $0.isEmpty ? nil : $0 }
        // The kernel writes the size in KiB.
        array.componentSizeBytes = number("component_size", limit: Self.kibibyteLimit).map { $0 * 1024 }
        array.reshapePosition = number("reshape_position", noneIsNil: true)
        array.resyncStart = number("resync_start", noneIsNil: true)
        if let layout = text("layout"), !layout.isEmpty {
            // Also `new (old)` during a reshape; -1 for levels without one.
            array.layout = Int(reshapePair(layout).new)
        }
        for name in attributes.members.keys.sorted() {
            if let member = member(name) { array.members.append(member) }
        }
        array.problem = problems.isEmpty ? nil : problems.joined(separator: "; ")
        return array
    }

    private mutating func member(_ name: String) -> MDMember? {
        let values = attributes.members[name] ?? [:]
        let place = "dev-\(name)"
        // A member removed between listing and reading has no state: it is gone, not odd.
        guard let state = text(values["state"], "\(place)/state") else { return nil }
        var member = MDMember(name: name, flags: [], errors: nil, slot: nil)
        member.flags = Set(state.split(separator: ",").map { MemberFlag(rawValue: String($0)) })
        if let errors = text(values["errors"], "\(place)/errors") {
            member.errors = number(errors, "\(place)/errors", whole: errors)
        }
        if let slot = text(values["slot"], "\(place)/slot"), slot != "none" {
            member.slot = number(slot, "\(place)/slot", whole: slot, limit: Self.countLimit).map { Int($0) }
        } else if values["slot"] == nil || values["slot"] == .absent {
            // Partial trees: the rdN link still tells the role.
            member.slot = attributes.roles[name]
            // Neither tells: the role is unknown, which is data, not a lost member.
            member.roleUnknown = member.slot == nil
        }
        return member
    }

    private mutating func syncCompleted() -> SyncCompleted? {
        guard let value = text("sync_completed") else { return nil }
        switch value.lowercased() {
        case "none": return .notRunning
        case "delayed": return .delayed
        case "pending": return .pending
        default: break
        }
        let parts = value.split(separator: "/").map { $0.trimmingSpaces }
        guard parts.count == 2, let done = UInt64(parts[0]), let total = UInt64(parts[1]) else {
            problems.append("sync_completed is '\(value)', expected 'none', 'delayed' or 'DONE / TOTAL' sectors")
            return nil
        }
        return .sectors(done: done, total: total)
    }

    // MARK: - Values

    private mutating func text(_ key: String) -> String? {
        text(attributes.values[key], key)
    }

    private mutating func text(_ value: SysfsFiles.Value?, _ key: String) -> String? {
        switch value {
        case .text(let text): return text.trimmingSpaces
        case .absent, nil: return nil
        case .failed(let code):
            problems.append("cannot read \(key): \(code)")
            return nil
        }
    }

    /// Disks and slots: far beyond any real array, and safe as an `Int`.
    static let countLimit: UInt64 = 1 << 20
    /// Values in KiB that become bytes.
    static let kibibyteLimit = UInt64.max / 1024

    private mutating func number(_ key: String, noneIsNil: Bool = false, limit: UInt64 = .max) -> UInt64? {
        guard let value = text(key), !value.isEmpty else { return nil }
        if noneIsNil, value == "none" { return nil }
        return number(value, key, whole: value, limit: limit)
    }

    private mutating func number(_ text: Substring, _ key: String, whole: String, limit: UInt64 = .max) -> UInt64? {
        number(String(text), key, whole: whole, limit: limit)
    }

    private mutating func number(_ text: String, _ key: String, whole: String, limit: UInt64 = .max) -> UInt64? {
        guard let value = UInt64(text) else {
            problems.append("\(key) is '\(whole)', not a number")
            return nil
        }
        guard value <= limit else {
            problems.append("\(key) is '\(whole)', out of range")
            return nil
        }
        return value
    }

    private mutating func word<Value>(_ key: String, _ make: (String) -> Value?) -> Value? {
        guard let value = text(key), !value.isEmpty else { return nil }
        guard let word = make(value) else {
            problems.append("\(key) is '\(value)', which no kernel writes")
            return nil
        }
        return word
    }

    /// `4 (3)` → ("4", "3"); `4` → ("4", nil).
    private func reshapePair(_ text: String) -> (new: Substring, old: Substring?) {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else {
            return (Substring(text), nil)
        }
        let new = text[..<open].trimmingSpaces
        let old = text[text.index(after: open)..<close].trimmingSpaces
        return (Substring(new), Substring(old))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }
}
