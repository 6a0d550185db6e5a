import TestFixtures
import HostHealthModel
import HostHealthPolicy
import HostHealthConfig
import Testing

@Suite("DriftPolicy: declared intent against what is there")
struct DriftPolicyTests {
    let t0 = Fixture.t0
    let slot1 = "pci-0000:3b:00.0-sas-phy1-lun-0"
    let slot2 = "pci-0000:3b:00.0-sas-phy2-lun-0"
    let uuid = "4f1c2a3b:5d6e7f80:91a2b3c4:d5e6f708"

    func disk(_ id: String, _ slot: String?) -> BaselineItem {
        BaselineItem(kind: .disk, id: id, slot: slot, component: ComponentID(kind: .disk, key: id))
    }

    func array(_ members: [Int: (String, String)]) -> BaselineItem {
        var attributes = ["level": "raid1", "raid_disks": "2", "spares": "0"]
        for (role, member) in members {
            attributes["member.\(role)"] = member.0
            attributes["member.\(role).slot"] = member.1
        }
        return BaselineItem(kind: .array, id: uuid, attributes: attributes, name: "md0", component: ComponentID(kind: .array, key: uuid))
    }

    var declared: Baseline {
        Baseline(items: [
            disk("wwn-0xa1", slot1), disk("wwn-0xa2", slot2),
            array([0: ("wwn-0xa1", slot1), 1: ("wwn-0xa2", slot2)]),
        ])
    }

    func judge(
        _ baseline: Baseline, disks: [BaselineItem], arrays: [BaselineItem]? = nil, rebuild: RebuildState = .done,
        unobserved: [DriftKind: String] = [:], memory: DriftMemory = DriftMemory(), at offset: Double = 0
    ) -> (report: DriftReport, memory: DriftMemory) {
        var observed: [DriftKind: [ObservedItem]] = [.disk: disks.map { ObservedItem(item: $0) }]
        if let arrays { observed[.array] = arrays.map { ObservedItem(item: $0) } }
        return DriftPolicy(baseline: baseline).evaluate(
            observed: observed, unobserved: unobserved, rebuilds: [uuid: rebuild], memory: memory, now: t0 + offset)
    }

    var inSyncArray: BaselineItem { array([0: ("wwn-0xa1", slot1), 1: ("wwn-0xa2", slot2)]) }
    var replacedArray: BaselineItem { array([0: ("wwn-0xa1", slot1), 1: ("wwn-0xb2", slot2)]) }

    @Test func declaredDiskInItsSlotIsInSync() {
        let (report, _) = judge(declared, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xa2", slot2)], arrays: [inSyncArray])
        #expect(report.items.allSatisfy { $0.status == .inSync })
        #expect(report.exitCode == 0)
        #expect(report.present[.disk] == 2 && report.expected[.disk] == 2)
    }

    @Test func declaredDiskGoneWithItsSlotEmptyIsMissingAndDegrades() {
        let (report, _) = judge(Baseline(items: [disk("wwn-0xa1", slot1), disk("wwn-0xa2", slot2)]), disks: [disk("wwn-0xa1", slot1)])
        let item = report.item("disk:wwn-0xa2")
        #expect(item?.status == .missing)
        #expect(item?.effect == .degrade)
        #expect(report.exitCode == 2)
        #expect(report.present[.disk] == 1)
    }

    @Test func newDiskInTheDeclaredSlotUnderImmutableIntentIsReplacedAndDegrades() {
        var baseline = declared
        baseline.kinds[.disk] = DriftRule(intent: .immutable)
        let (report, _) = judge(baseline, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)], arrays: [replacedArray])
        let item = report.item("disk:wwn-0xa2")
        #expect(item?.status == .replaced)
        #expect(item?.changes == [DriftChange(path: "id", from: "wwn-0xa2", to: "wwn-0xb2")])
        #expect(item?.effect == .degrade)
        #expect(report.item("disk:wwn-0xb2") == nil, "the newcomer is the replacement, not unexpected")
    }

    @Test func replacementRebuildingWithinItsDeadlineIsConvergingWithETA() {
        let (report, _) = judge(
            declared, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)], arrays: [replacedArray],
            rebuild: .advancing(progress: 0.42, etaSeconds: 7200))
        let item = report.item("disk:wwn-0xa2")
        #expect(item?.status == .converging)
        #expect(item?.note == "replaced, rebuilding md0 42%, ETA 2h, within 72h")
        #expect(item?.deadline == t0 + 72 * 3600)
        #expect(item?.effect == nil)
        #expect(report.item("array:\(uuid)")?.status == .converging)
        #expect(report.item("array:\(uuid)")?.deadline == t0 + 24 * 3600)
        #expect(report.exitCode == 0, "converging within tolerance is in sync")
    }

    @Test func replacementWhoseRebuildStalledIsChanged() {
        let (report, _) = judge(
            declared, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)], arrays: [replacedArray], rebuild: .stalled)
        #expect(report.item("disk:wwn-0xa2")?.status == .changed)
        #expect(report.item("disk:wwn-0xa2")?.effect == .degrade)
        #expect(report.exitCode == 2)
    }

    @Test func replacementStillRebuildingPastItsDeadlineIsChanged() {
        let disks = [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)]
        let rebuild = RebuildState.advancing(progress: 0.5, etaSeconds: nil)
        let (_, memory) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild)
        let (report, _) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild, memory: memory, at: 73 * 3600)
        #expect(report.item("disk:wwn-0xa2")?.status == .changed)
        #expect(report.item("disk:wwn-0xa2")?.deadline == t0 + 72 * 3600, "the deadline counts from the first sighting")
    }

    @Test func aDeadlineRestoredAfterARestartIsKeptNotStartedAgain() {
        // The agent restarted 70 h into a replacement: the state directory gave back its start.
        var restored = DriftMemory()
        restored.deviatingSince = ["disk:wwn-0xa2": t0 + -70 * 3600]
        let disks = [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)]
        let rebuild = RebuildState.advancing(progress: 0.5, etaSeconds: nil)
        let (now, _) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild, memory: restored)
        #expect(now.item("disk:wwn-0xa2")?.deadline == t0 + 2 * 3600)
        let (later, _) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild, memory: restored, at: 3 * 3600)
        #expect(later.item("disk:wwn-0xa2")?.status == .changed, "past the deadline that began before the restart")
    }

    @Test func aReaderThatCannotVouchKeepsTheDeadlinesOfItsItems() {
        let disks = [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)]
        let rebuild = RebuildState.advancing(progress: 0.5, etaSeconds: nil)
        let (_, first) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild)
        let (_, blind) = judge(declared, disks: [], arrays: [replacedArray], rebuild: rebuild, unobserved: [.disk: "disks reader stale"], memory: first, at: 3600)
        #expect(blind.deviatingSince["disk:wwn-0xa2"] == t0)
        let (back, _) = judge(declared, disks: disks, arrays: [replacedArray], rebuild: rebuild, memory: blind, at: 7200)
        #expect(back.item("disk:wwn-0xa2")?.deadline == t0 + 72 * 3600, "not restarted by the reader's gap")
    }

    @Test func convergeWithinOfTheItemSetsItsDeadline() {
        var baseline = declared
        baseline.items[baseline.items.firstIndex { $0.id == "wwn-0xa2" }!].rule.convergeWithinSeconds = 3600
        let (report, _) = judge(
            baseline, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)], arrays: [replacedArray],
            rebuild: .advancing(progress: nil, etaSeconds: nil))
        #expect(report.item("disk:wwn-0xa2")?.deadline == t0 + 3600)
    }

    @Test func replacementThatConvergedIsAcceptedPendingAndNotDrift() {
        let (report, _) = judge(declared, disks: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)], arrays: [replacedArray], rebuild: .done)
        let item = report.item("disk:wwn-0xa2")
        #expect(item?.status == .replaced)
        #expect(item?.acceptedPending == true)
        #expect(item?.isDrift == false)
        #expect(report.exitCode == 0)
    }

    @Test func sameDiskInAnotherSlotIsMovedAndWarns() {
        let (report, _) = judge(Baseline(items: [disk("wwn-0xa1", slot1)]), disks: [disk("wwn-0xa1", slot2)])
        let item = report.item("disk:wwn-0xa1")
        #expect(item?.status == .moved)
        #expect(item?.changes.first == DriftChange(path: "slot", from: slot1, to: slot2))
        #expect(item?.effect == .warn)
    }

    @Test func undeclaredDiskIsUnexpectedAndWarns() {
        let (report, _) = judge(Baseline(items: [disk("wwn-0xa1", slot1)]), disks: [disk("wwn-0xa1", slot1), disk("wwn-0xff", "pci-9")])
        let item = report.item("disk:wwn-0xff")
        #expect(item?.status == .unexpected)
        #expect(item?.effect == .warn)
        #expect(report.exitCode == 2)
    }

    @Test func aStaleReaderMakesItsItemsUnknownNeverMissing() {
        let (report, _) = judge(declared, disks: [], arrays: [inSyncArray], unobserved: [.disk: "disks reader stale"])
        #expect(report.items.filter { $0.kind == .disk }.allSatisfy { $0.status == .unknown })
        #expect(!report.items.contains { $0.status == .missing })
        #expect(report.exitCode == 4)
        #expect(report.present[.disk] == nil)
    }

    @Test func aKindTheBaselineDoesNotDeclareIsNotJudged() {
        let (report, _) = judge(Baseline(items: [disk("wwn-0xa1", slot1)]), disks: [disk("wwn-0xa1", slot1)], arrays: [inSyncArray])
        #expect(!report.items.contains { $0.kind == .array })
    }

    @Test func anArrayMemberGoneIsChangedAndDegrades() {
        let degraded = array([0: ("wwn-0xa1", slot1)])
        let (report, _) = judge(declared, disks: [disk("wwn-0xa1", slot1)], arrays: [degraded], rebuild: .waiting)
        let item = report.item("array:\(uuid)")
        #expect(item?.status == .changed)
        #expect(item?.changes.contains(DriftChange(path: "member.1", from: "wwn-0xa2", to: nil)) == true)
        #expect(item?.effect == .degrade)
        #expect(report.item("disk:wwn-0xa2")?.status == .missing)
    }

    @Test func onDriftOfTheKindOverridesTheDefault() {
        var baseline = Baseline(items: [disk("wwn-0xa1", slot1)])
        baseline.kinds[.disk] = DriftRule(onDrift: .fail)
        let (report, _) = judge(baseline, disks: [])
        #expect(report.item("disk:wwn-0xa1")?.effect == .fail)
    }

    @Test func onDriftIgnoreShowsButIsNotDrift() {
        var baseline = Baseline(items: [disk("wwn-0xa1", slot1)])
        baseline.items[0].rule.onDrift = .ignore
        let (report, _) = judge(baseline, disks: [])
        #expect(report.item("disk:wwn-0xa1")?.status == .missing)
        #expect(report.exitCode == 0)
    }

    // MARK: - Links

    func link(_ name: String, speed: String = "25000", mtu: String = "9000") -> ObservedItem {
        ObservedItem(item: BaselineItem(
            kind: .link, id: name, attributes: ["speed": speed, "mtu": mtu, "duplex": "full", "permanent_mac": "aa:bb:cc:dd:ee:01"],
            component: ComponentID(kind: .link, key: name)))
    }

    func judgeLinks(_ baseline: Baseline, _ links: [ObservedItem]) -> DriftReport {
        DriftPolicy(baseline: baseline).evaluate(observed: [.link: links], unobserved: [:], rebuilds: [:], memory: DriftMemory(), now: t0).report
    }

    var eth0: Baseline { Baseline(items: [link("eth0").item]) }

    @Test func linkMTUChangedIsChangedAndWarns() {
        let item = judgeLinks(eth0, [link("eth0", mtu: "1500")]).item("link:eth0")
        #expect(item?.status == .changed)
        #expect(item?.changes == [DriftChange(path: "mtu", from: "9000", to: "1500")])
        #expect(item?.effect == .warn)
    }

    @Test func linkBelowItsDeclaredSpeedDegrades() {
        #expect(judgeLinks(eth0, [link("eth0", speed: "10000")]).item("link:eth0")?.effect == .degrade)
    }

    @Test func linkAboveItsDeclaredSpeedOnlyWarns() {
        #expect(judgeLinks(eth0, [link("eth0", speed: "100000")]).item("link:eth0")?.effect == .warn)
    }

    @Test func linkSpeedTheReaderCannotSeeIsNotAChange() {
        var down = link("eth0")
        down.item.attributes["speed"] = nil
        down.unknown = ["speed"]
        #expect(judgeLinks(eth0, [down]).item("link:eth0")?.status == .inSync)
    }

    @Test func deletedLinkIsMissingAndDegrades() {
        let item = judgeLinks(eth0, []).item("link:eth0")
        #expect(item?.status == .missing)
        #expect(item?.effect == .degrade)
    }

    @Test func virtualLinkNotDeclaredIsNotUnexpected() {
        var veth = link("veth7")
        veth.declarable = false
        #expect(judgeLinks(eth0, [link("eth0"), veth]).item("link:veth7") == nil)
    }

    @Test func swappedNICIsReplaced() {
        var swapped = link("eth0")
        swapped.item.attributes["permanent_mac"] = "aa:bb:cc:dd:ee:99"
        #expect(judgeLinks(eth0, [swapped]).item("link:eth0")?.status == .replaced)
    }

    // MARK: - Intent from the policy

    @Test func intentComesFromThePolicyWhenTheBaselineSetsNone() {
        let policy = PolicyConfig(kinds: [.disk: ComponentRule(intent: .immutable)])
        let report = DriftPolicy(baseline: declared, policy: policy).evaluate(
            observed: [.disk: [disk("wwn-0xa1", slot1), disk("wwn-0xb2", slot2)].map { ObservedItem(item: $0) }, .array: [ObservedItem(item: replacedArray)]],
            unobserved: [:], rebuilds: [uuid: .advancing(progress: 0.5, etaSeconds: nil)], memory: DriftMemory(), now: t0).report
        #expect(report.item("disk:wwn-0xa2")?.intent == .immutable)
        #expect(report.item("disk:wwn-0xa2")?.status == .replaced)
        #expect(report.item("disk:wwn-0xa2")?.effect == .degrade)
    }
}

@Suite("HealthPolicy with a baseline: drift folded into the verdict per on_drift")
struct DriftHealthTests {
    let t0 = Fixture.t0

    func policy(_ baseline: Baseline) -> HealthPolicy {
        var config = AgentConfig()
        config.baseline = LoadedBaseline(baseline: baseline, files: ["/etc/hosthealth/baseline.yaml"], sha256: "00")
        return HealthPolicy(config: config)
    }

    func links(_ names: String...) -> HostSnapshot {
        HostSnapshot(links: Dictionary(uniqueKeysWithValues: names.map { name in
            var link = Fixture.link(name)
            link.mtu = 1500
            return (name, link)
        }))
    }

    @Test func warnDriftNeverChangesTheHostState() {
        let baseline = Baseline(items: [BaselineItem(kind: .link, id: "eth0", attributes: ["mtu": "9000"])])
        let evaluation = policy(baseline).evaluate(previous: HealthMemory(), snapshot: links("eth0"), now: t0)
        #expect(evaluation.report.drift?.item("link:eth0")?.status == .changed)
        #expect(evaluation.report.host.state == .ok)
        #expect(evaluation.transitions.contains { $0.event == "DriftChanged" }, "warn still reaches the journal")
    }

    @Test func missingLinkDegradesTheHost() {
        let baseline = Baseline(items: [BaselineItem(kind: .link, id: "eth1")])
        let evaluation = policy(baseline).evaluate(previous: HealthMemory(), snapshot: links("eth0"), now: t0)
        #expect(evaluation.report.host.state == .degraded)
        #expect(evaluation.report.components.contains { $0.id == ComponentID(kind: .link, key: "eth1") && $0.state == .degraded })
    }

    /// sda in slot 1; sdb, a new disk, in slot 2 where wwn-0xa2 was, md0 recovering onto it.
    var replacement: HostSnapshot {
        var snapshot = HostSnapshot(arrays: [MDArray(
            name: "md0", uuid: "u0", level: "raid1", raidDisks: 2, degraded: 1, arrayState: .active, syncAction: .recover,
            syncCompleted: .sectors(done: 42, total: 100), syncSpeedBytesPerSecond: 1_000_000,
            members: [MDMember(name: "sda1", slot: 0), MDMember(name: "sdb1", flags: [], slot: 1)])])
        snapshot.disks = [
            "sda": Disk(name: "sda", identity: DiskIdentity(wwn: "0xa1", byPath: "/dev/disk/by-path/s1")),
            "sdb": Disk(name: "sdb", identity: DiskIdentity(wwn: "0xb2", byPath: "/dev/disk/by-path/s2")),
        ]
        return snapshot
    }

    var declaredReplacement: Baseline {
        Baseline(kinds: [.disk: DriftRule(convergeWithinSeconds: 1)], items: [
            BaselineItem(kind: .disk, id: "wwn-0xa1", slot: "s1"), BaselineItem(kind: .disk, id: "wwn-0xa2", slot: "s2"),
            BaselineItem(kind: .array, id: "u0", attributes: ["level": "raid1", "member.0": "wwn-0xa1", "member.1": "wwn-0xa2"]),
        ])
    }

    @Test func aReplacementRebuildingInItsSlotLeavesTheHostConverging() {
        let evaluation = policy(declaredReplacement).evaluate(previous: HealthMemory(), snapshot: replacement, now: t0)
        #expect(evaluation.report.drift?.item("disk:wwn-0xa2")?.status == .converging)
        #expect(evaluation.report.host.state == .converging)
    }

    @Test func theSameSnapshotPastTheDeadlineIsJudgedAgainAndChanged() {
        let policy = policy(declaredReplacement)
        let first = policy.evaluate(previous: HealthMemory(), snapshot: replacement, now: t0)
        let same = policy.evaluate(previous: first.memory, snapshot: replacement, now: t0 + 0.5)
        #expect(same.report.drift == first.report.drift, "nothing drift reads changed")
        let late = policy.evaluate(previous: same.memory, snapshot: replacement, now: t0 + 5)
        #expect(late.report.drift?.item("disk:wwn-0xa2")?.status == .changed)
        #expect(late.report.host.state == .degraded)
        #expect(late.transitions.contains { $0.event == "DriftChanged" && $0.name == "disk:wwn-0xa2" })
    }

    @Test func noBaselineMeansNoDriftJudgement() {
        let evaluation = HealthPolicy(config: AgentConfig()).evaluate(previous: HealthMemory(), snapshot: links("eth0"), now: t0)
        #expect(evaluation.report.drift == nil)
    }
}

@Suite("Drift at scale")
struct DriftScaleTests {
    /// 90 disks in 10 raid arrays of 9 and 1,000 links, all declared; one disk replaced.
    @Test func ninetyDisksTenArraysAndAThousandLinksJudgeInWellUnderASecond() {
        var disks: [String: Disk] = [:]
        var arrays: [MDArray] = []
        for index in 0..<90 {
            let name = "sd\(index)"
            disks[name] = Disk(name: name, identity: DiskIdentity(
                model: "ST4000NM0023", serial: "S\(index)", wwn: "0x5000c500\(1000 + index)",
                byPath: "pci-0000:3b:00.0-sas-phy\(index)-lun-0", transport: .sas))
        }
        for array in 0..<10 {
            let members = (0..<9).map { MDMember(name: "sd\(array * 9 + $0)1", slot: $0) }
            arrays.append(MDArray(name: "md\(array)", uuid: "u\(array)", level: "raid6", raidDisks: 9, degraded: 0, members: members))
        }
        var links: [String: Link] = [:]
        for index in 0..<1000 {
            links["eth\(index)"] = Link(index: Int32(index + 2), name: "eth\(index)", kind: "physical", operState: .up, adminUp: true,
                                       carrier: true, mtu: 9000, permanentAddress: "aa:bb:cc:00:\(index / 256):\(index % 256)",
                                       speedMbps: 25000, duplex: .full)
        }
        var snapshot = HostSnapshot(links: links, arrays: arrays)
        snapshot.disks = disks
        let baseline = DriftDomains.record(snapshot, by: nil, at: nil)
        snapshot.disks?["sd5"]?.identity.wwn = "0x5000c500ffffffff"
        var config = AgentConfig()
        config.baseline = LoadedBaseline(baseline: baseline, files: ["b"], sha256: "0")
        let policy = HealthPolicy(config: config)
        let clock = ContinuousClock()
        var report: HealthReport?
        var memory = HealthMemory()
        report = policy.evaluate(previous: memory, snapshot: snapshot, now: Fixture.t0).report
        memory = policy.evaluate(previous: memory, snapshot: snapshot, now: Fixture.t0).memory
        // A later evaluation, as on every event: the first one also announces every deviation.
        let elapsed = clock.measure {
            report = policy.evaluate(previous: memory, snapshot: snapshot, now: Fixture.t0 + 1).report
        }
        let unjudged = HealthPolicy(config: AgentConfig())
        let unjudgedMemory = unjudged.evaluate(previous: HealthMemory(), snapshot: snapshot, now: Fixture.t0).memory
        let without = clock.measure { _ = unjudged.evaluate(previous: unjudgedMemory, snapshot: snapshot, now: Fixture.t0 + 1) }
        let observe = clock.measure { _ = DriftDomains.observe(snapshot) }
        print("drift: observing took \(observe)")
        print("drift: 90 disks, 10 arrays, 1000 links judged in \(elapsed) (the evaluation without a baseline: \(without))")
        #expect(report?.drift?.items.count == 1100)
        #expect(report?.drift?.item("disk:wwn-0x5000c5001005")?.status == .replaced)
        #expect(elapsed < .seconds(1))
    }
}

@Suite("Recording a baseline: only what was seen")
struct BaselineRecordingTests {
    @Test func aKindWhoseReaderIsStaleIsNotRecorded() {
        var snapshot = HostSnapshot(links: Fixture.links(Fixture.link("eth0")), readers: [
            ReaderStatus(name: "links", lastSuccess: Fixture.t0),
            ReaderStatus(name: "disks", lastSuccess: Fixture.t0 + -3600, lastError: "udev monitor gone"),
        ])
        snapshot.disks = ["sda": Disk(name: "sda", identity: DiskIdentity(wwn: "0xa1", byPath: "/dev/disk/by-path/s1"))]
        let unobserved = HealthPolicy(config: AgentConfig()).unobservedKinds(snapshot, now: Fixture.t0)
        #expect(Set(unobserved.keys) == Set<DriftKind>([.disk]))
        let baseline = DriftDomains.record(snapshot, by: nil, at: nil, unobserved: Set(unobserved.keys))
        #expect(baseline.items.map(\.key) == ["link:eth0"])
        let text = BaselineWriter.yaml(baseline, leftOut: unobserved)
        #expect(text.contains("# not recorded: disk (disks reader stale"))
    }

    @Test func whatTheReaderCouldNotSeeOfAnItemIsNotRecorded() {
        var down = Fixture.link("eth0", carrier: false)
        down.mtu = 9000
        let baseline = DriftDomains.record(HostSnapshot(links: Fixture.links(down)), by: nil, at: nil)
        #expect(baseline.items.first?.attributes == ["mtu": "9000"], "no speed or duplex without carrier")
    }
}
