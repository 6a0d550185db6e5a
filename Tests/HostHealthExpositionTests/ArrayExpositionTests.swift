import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import HostHealthExposition
import Testing

@Suite("Metrics exposition: the hosthealth_md_* families")
struct ArrayExpositionTests {
    /// A raid1 recovering onto sdd1, a raid0 without sync attributes, an imsm container.
    static let arrays: [MDArray] = [
        ArrayTimeline.raid1().recovering(0.25),
        MDArray(
            name: "md1", uuid: "155f29ff-1716-4107-b362-52307ef86cac", level: "raid0", raidDisks: 2, arrayState: .clean,
            chunkSizeBytes: 524_288, metadataVersion: "1.2",
            members: [MDMember(name: "sdg", errors: nil, slot: 0), MDMember(name: "sdh", errors: nil, slot: 1)]),
        MDArray(name: "md127", uuid: "0e51f6d1-b357-2712-8eaa-31f6f597be6b", level: "container", arrayState: .inactive, metadataVersion: "external:imsm"),
    ]

    var lines: [Substring] {
        let report = HealthPolicy(config: AgentConfig()).evaluate(
            previous: HealthMemory(), snapshot: HostSnapshot(arrays: Self.arrays), now: Fixture.t0).report
        let body = MetricsExposition.renderState(
            report: report, snapshot: HostSnapshot(arrays: Self.arrays), agent: AgentInfo(version: "test"), format: .text)
        return String(decoding: body, as: UTF8.self).split(separator: "\n")
    }

    @Test func infoCarriesUuidLevelAndMetadata() {
        #expect(lines.contains(#"hosthealth_md_info{array="md0",uuid="4f1c0000-0000-0000-0000-000000000001",level="raid1",metadata="1.2"} 1"#))
        #expect(lines.contains(#"hosthealth_md_info{array="md127",uuid="0e51f6d1-b357-2712-8eaa-31f6f597be6b",level="container",metadata="external:imsm"} 1"#))
    }

    @Test func arrayStateIsAStateSet() {
        let md0 = lines.filter { $0.hasPrefix(#"hosthealth_md_state{array="md0""#) }
        #expect(md0.count == ArrayState.allCases.count)
        #expect(md0.filter { $0.hasSuffix(" 1") } == [#"hosthealth_md_state{array="md0",state="active"} 1"#])
    }

    @Test func memberCountsIncludeRecoveringAndMissing() {
        let md0 = lines.filter { $0.hasPrefix(#"hosthealth_md_disks{array="md0""#) }
        #expect(md0 == [
            #"hosthealth_md_disks{array="md0",state="active"} 1"#,
            #"hosthealth_md_disks{array="md0",state="recovering"} 1"#,
            #"hosthealth_md_disks{array="md0",state="spare"} 0"#,
            #"hosthealth_md_disks{array="md0",state="faulty"} 0"#,
            #"hosthealth_md_disks{array="md0",state="missing"} 0"#,
        ])
    }

    @Test func syncActionProgressSpeedAndETA() {
        #expect(lines.contains(#"hosthealth_md_sync_action{array="md0",action="recover"} 1"#))
        #expect(lines.contains(#"hosthealth_md_sync_action{array="md0",action="idle"} 0"#))
        #expect(lines.contains(#"hosthealth_md_sync_progress_ratio{array="md0"} 0.25"#))
        #expect(lines.contains(#"hosthealth_md_sync_speed_bytes_per_second{array="md0"} 100000000"#))
        #expect(lines.contains(#"hosthealth_md_sync_eta_seconds{array="md0"} 4"#))
        #expect(lines.contains(#"hosthealth_md_degraded_disks{array="md0"} 1"#))
    }

    @Test func arraysWithoutSyncHaveNoSyncSeries() {
        #expect(!lines.contains { $0.hasPrefix(#"hosthealth_md_sync_action{array="md1""#) })
        #expect(!lines.contains { $0.hasPrefix(#"hosthealth_md_sync_progress_ratio{array="md1""#) })
    }

    @Test func memberErrorsPerMember() {
        #expect(lines.contains(#"hosthealth_md_member_errors{array="md0",member="sdb1"} 0"#))
        #expect(!lines.contains { $0.hasPrefix(#"hosthealth_md_member_errors{array="md1""#) })
    }

    @Test func arrayComponentIsInTheComponentStates() {
        #expect(lines.contains(#"hosthealth_component_state{kind="array",id="md:4f1c0000-0000-0000-0000-000000000001",state="converging"} 1"#))
    }
}
