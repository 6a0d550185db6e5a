package import HostHealthModel
package import HostHealthConfig

/// Small builders shared by the tests, so each test states only what its case is about.
package enum Fixture {
    /// 2026-11-27T21:54:00Z, the instant in the design's status document example.
    package static let t0 = Timestamp(secondsSinceEpoch: 1_795_816_440)

    /// A working link: up, with carrier, administratively up.
    package static func link(
        _ name: String, index: Int32 = 2, kind: String = "physical", operState: OperState = .up,
        adminUp: Bool = true, carrier: Bool? = true, carrierChanges: UInt32? = nil,
        speedMbps: UInt32? = nil, statistics: LinkStatistics? = nil
    ) -> Link {
        Link(
            index: index, name: name, kind: kind, operState: operState, adminUp: adminUp,
            carrier: carrier, carrierChanges: carrierChanges, statistics: statistics, speedMbps: speedMbps)
    }

    /// Links keyed by name, the way a snapshot holds them.
    package static func links(_ links: Link...) -> [String: Link] {
        Dictionary(uniqueKeysWithValues: links.map { ($0.name, $0) })
    }

    package static func required(_ pattern: String, minSpeedMbps: UInt32? = nil) -> RequiredLink {
        RequiredLink(pattern: LinkPattern(pattern), minSpeedMbps: minSpeedMbps)
    }

    /// A links reader that read successfully at `lastSuccess`.
    package static func linksReader(lastSuccess: Timestamp?, lastError: String? = nil) -> ReaderStatus {
        ReaderStatus(name: "links", lastSuccess: lastSuccess, lastError: lastError)
    }
}
