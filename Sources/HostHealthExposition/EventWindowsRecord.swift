package import HostHealthModel
package import HostHealthPolicy

/// How the error windows (`HealthMemory.windows`) and the drift deadlines' starts
/// (`DriftMemory.deviatingSince`) are kept in the state directory (`error-windows.json`), so
/// that a restart never forgives a DIMM, nor a replacement that stalled:
///
///     {"v":1,"boot_id":"6f0e…","saved_boot":5123.25,"saved_wall":1795816440.5,
///      "windows":{"memory:DIMM_A1/corrected":{"buckets":[[5100.5,3]],"counter":12,
///                 "events_seen":2,"unconfirmed":0,"total":15}},
///      "drift_since":{"disk|pci-0000:3b:00.0-sas-phy4":5000.5}}
///
/// `drift_since` is absent in files of agents before it (read as none).
///
/// Instants are on the engine's clock (CLOCK_BOOTTIME) of the boot named by `boot_id`; with
/// the wall clock at the save they are carried onto the next boot's clock (`restored`).
package struct EventWindowsRecord: Sendable, Equatable {
    package var bootID: String?
    /// The engine's clock and the wall clock when the windows were saved.
    package var savedAt: Timestamp
    package var savedAtWall: Timestamp
    package var windows: EventWindows
    /// Since when each drift item's tolerated deviation runs: its deadline counts from there.
    package var driftSince: [String: Timestamp]

    package init(bootID: String?, savedAt: Timestamp, savedAtWall: Timestamp, windows: EventWindows, driftSince: [String: Timestamp] = [:]) {
        self.bootID = bootID
        self.savedAt = savedAt
        self.savedAtWall = savedAtWall
        self.windows = windows
        self.driftSince = driftSince
    }

    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("v"); root.number(1)
            root.key("boot_id"); root.optional(bootID) { $0.string($1) }
            root.key("drift_since")
            root.object { object in
                for (key, since) in driftSince.sorted(by: { $0.key < $1.key }) {
                    object.key(key); object.number(since.secondsSinceEpoch)
                }
            }
            root.key("saved_boot"); root.number(savedAt.secondsSinceEpoch)
            root.key("saved_wall"); root.number(savedAtWall.secondsSinceEpoch)
            root.key("windows")
            root.object { object in
                for (key, window) in windows.sorted(by: { $0.key < $1.key }) {
                    object.key(key)
                    object.object { entry in
                        entry.key("buckets")
                        entry.array { list in
                            for bucket in window.buckets {
                                list.array { pair in
                                    pair.number(bucket.at.secondsSinceEpoch)
                                    pair.number(Double(bucket.count))
                                }
                            }
                        }
                        entry.key("counter"); entry.optional(window.counter) { $0.number(Double($1)) }
                        entry.key("events_seen"); entry.number(Double(window.eventsSeen))
                        entry.key("unconfirmed"); entry.number(Double(window.unconfirmed))
                        entry.key("unconfirmed_since"); entry.optional(window.unconfirmedSince) { $0.number($1.secondsSinceEpoch) }
                        entry.key("total"); entry.number(Double(window.total))
                    }
                }
            }
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }

    /// Reads what `json()` wrote; nil for anything else (a window that does not read makes
    /// the whole record unreadable: half a history would forgive silently).
    package init?(json bytes: [UInt8]) {
        guard let value = try? JSONValue(parsing: bytes), value["v"]?.int64 == 1,
              let savedAt = value["saved_boot"]?.double, savedAt.isFinite,
              let savedAtWall = value["saved_wall"]?.double, savedAtWall.isFinite,
              let members = value["windows"]?.members
        else { return nil }
        func count(_ value: JSONValue?) -> UInt64? {
            guard let number = value?.double, number.isFinite, number >= 0, number < 1.8e19 else { return nil }
            return UInt64(number)
        }
        var windows: EventWindows = [:]
        for (key, entry) in members {
            guard let list = entry["buckets"]?.array else { return nil }
            var buckets: [EventWindow.Bucket] = []
            for pair in list {
                guard let at = pair[0]?.double, at.isFinite, let number = count(pair[1]) else { return nil }
                buckets.append(EventWindow.Bucket(at: Timestamp(secondsSinceEpoch: at), count: number))
            }
            let counter = entry["counter"].flatMap { $0.isNull ? nil : $0 }
            if counter != nil, count(counter) == nil { return nil }
            guard let seen = count(entry["events_seen"]), let unconfirmed = count(entry["unconfirmed"]),
                  let total = count(entry["total"])
            else { return nil }
            let since = entry["unconfirmed_since"]?.double.flatMap { $0.isFinite ? Timestamp(secondsSinceEpoch: $0) : nil }
            windows[key] = EventWindow(
                buckets: Array(buckets.suffix(EventWindow.maxBuckets)), counter: count(counter), eventsSeen: seen,
                unconfirmed: unconfirmed, unconfirmedSince: since, total: total)
        }
        var driftSince: [String: Timestamp] = [:]
        if let since = value["drift_since"] {
            guard let members = since.members else { return nil }
            for (key, at) in members {
                guard let at = at.double, at.isFinite else { return nil }
                driftSince[key] = Timestamp(secondsSinceEpoch: at)
            }
        }
        self.init(
            bootID: value["boot_id"]?.string, savedAt: Timestamp(secondsSinceEpoch: savedAt),
            savedAtWall: Timestamp(secondsSinceEpoch: savedAtWall), windows: windows, driftSince: driftSince)
    }

    /// The windows as this boot reads them at `now` (engine clock) and `wall`: carried over an
    /// agent restart, or over a reboot when the boot id differs (or either is unknown and the
    /// engine's clock is behind the saved instant, which only a reboot does).
    package func restored(bootID current: String?, now: Timestamp, wall: Timestamp) -> EventWindows {
        let (rebooted, shift) = carry(bootID: current, now: now, wall: wall)
        return windows.mapValues { $0.carriedOver(rebooted: rebooted, shift: shift, now: now) }
    }

    /// The drift deadlines' starts on this boot's clock: the same instants, by the wall clock
    /// over a reboot; never later than `now`.
    package func restoredDriftSince(bootID current: String?, now: Timestamp, wall: Timestamp) -> [String: Timestamp] {
        let (rebooted, shift) = carry(bootID: current, now: now, wall: wall)
        return driftSince.mapValues { min(now, rebooted ? $0 + shift : $0) }
    }

    /// Whether the record is of another boot, and how far its instants move onto this one's
    /// clock (by the wall clock at the save and now).
    private func carry(bootID current: String?, now: Timestamp, wall: Timestamp) -> (rebooted: Bool, shift: Double) {
        let rebooted = if let bootID, let current { bootID != current } else { now < savedAt }
        return (rebooted, (savedAtWall - savedAt) - (wall - now))
    }
}
