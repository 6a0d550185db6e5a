import Foundation
import HostSystem
import HostHealthConfig
import HostHealthModel
import Testing

@Suite("Baseline files: parsed strictly, written stably")
struct BaselineParserTests {
    let text = """
        schema: 1
        recorded_by: hostctl 0.4.0 on db7
        recorded_at: "2026-12-04T02:00:00Z"
        kinds:
          disk: {converge_within: 48h}
        disks:
          - id: WWN-0x5000C500A1
            slot: pci-0000:3b:00.0-sas-phy1-lun-0
            model: "ST4000NM0023 "
        arrays:
          - id: 4f1c2a3b:5d6e7f80:91a2b3c4:d5e6f708
            level: raid1
            raid_disks: 2
            members:
              - {role: 0, disk: wwn-0x5000c500a1, slot: pci-0000:3b:00.0-sas-phy1-lun-0}
        links:
          - id: eth0
            mtu: 9000
            on_drift: warn
        sensor_chips:
          - id: coretemp-isa-0000
            labels: [Core 0, Package id 0]

        """

    @Test func aBaselineReadsIntoItemsSortedByKindAndID() throws {
        let baseline = try BaselineParser(file: "b.yaml").parse(text)
        #expect(baseline.items.map(\.key) == [
            "array:4f1c2a3b:5d6e7f80:91a2b3c4:d5e6f708", "disk:wwn-0x5000c500a1", "link:eth0", "sensor_chip:coretemp-isa-0000",
        ])
        #expect(baseline.kinds[.disk]?.convergeWithinSeconds == 172_800.0)
        #expect(baseline.items(of: .array).first?.attributes["member.0"] == "wwn-0x5000c500a1")
        #expect(baseline.items(of: .link).first?.rule.onDrift == .warn)
        #expect(baseline.items(of: .disk).first?.id == "wwn-0x5000c500a1", "identities are normalised")
    }

    @Test func whatIsWrittenReadsBackTheSame() throws {
        let baseline = try BaselineParser(file: "b.yaml").parse(text)
        let written = BaselineWriter.yaml(baseline)
        #expect(try BaselineParser(file: "again.yaml").parse(written) == baseline)
        #expect(BaselineWriter.yaml(try BaselineParser(file: "again.yaml").parse(written)) == written, "stable order")
    }

    @Test func anUnknownKeyIsRefusedWithItsLineAndKey() {
        let bad = "schema: 1\ndisks:\n  - id: wwn-1\n    colour: blue\n"
        #expect(throws: ConfigError(file: "b.yaml", line: 4, column: 5, key: "disks[0].colour",
                                     reason: "unknown key; expected one of: id, slot, model, serial, intent, on_drift, converge_within")) {
            try BaselineParser(file: "b.yaml").parse(bad)
        }
    }

    @Test func aBaselineWithoutSchemaIsRefused() {
        #expect(throws: ConfigError.self) { try BaselineParser(file: "b.yaml").parse("disks: []\n") }
    }

    @Test func anItemDeclaredTwiceIsRefused() {
        let twice = "schema: 1\ndisks:\n  - id: wwn-1\n  - id: WWN-1\n"
        do {
            _ = try BaselineParser(file: "b.yaml").parse(twice)
            Issue.record("accepted a repeated id")
        } catch {
            #expect(error.line == 4)
            #expect(error.reason.contains("declared twice"))
        }
    }

    @Test func aBadOnDriftNamesTheChoices() {
        do {
            _ = try BaselineParser(file: "b.yaml").parse("schema: 1\nlinks:\n  - id: eth0\n    on_drift: explode\n")
            Issue.record("accepted")
        } catch {
            #expect(error.key == "links[0].on_drift")
            #expect(error.reason == "expected one of: fail, degrade, warn, ignore")
        }
    }
}

@Suite("BaselineLoader: baseline.yaml, then baseline.d/*.yaml in lexical order")
struct BaselineLoaderTests {
    func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("baseline-\(UInt64.random(in: 0...UInt64.max))").path
        try FileManager.default.createDirectory(atPath: path + "/baseline.d", withIntermediateDirectories: true)
        return path
    }

    @Test func dropInsAddToTheMainFileAndALaterOneWins() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "schema: 1\nlinks:\n  - id: eth0\n    mtu: 1500\n".write(toFile: dir + "/baseline.yaml", atomically: true, encoding: .utf8)
        try "schema: 1\nlinks:\n  - id: eth0\n    mtu: 9000\n".write(toFile: dir + "/baseline.d/20-jumbo.yaml", atomically: true, encoding: .utf8)
        try "schema: 1\ndisks:\n  - id: wwn-1\n".write(toFile: dir + "/baseline.d/10-disks.yaml", atomically: true, encoding: .utf8)
        try "not yaml at all: [".write(toFile: dir + "/baseline.d/README", atomically: true, encoding: .utf8)
        let loaded = try #require(try BaselineLoader(path: dir + "/baseline.yaml").load())
        #expect(loaded.files == [dir + "/baseline.yaml", dir + "/baseline.d/10-disks.yaml", dir + "/baseline.d/20-jumbo.yaml"])
        #expect(loaded.baseline.items.map(\.key) == ["disk:wwn-1", "link:eth0"])
        #expect(loaded.baseline.items(of: .link).first?.attributes["mtu"] == "9000")
        #expect(loaded.sha256.count == 64)
    }

    @Test func noFileAtTheDefaultPathIsNoBaseline() throws {
        var loader = BaselineLoader(path: nil)
        loader.path = "/nonexistent/hosthealth/baseline.yaml"
        #expect(try loader.load() == nil)
    }

    @Test func aNamedFileThatIsNotThereIsRefused() {
        #expect(throws: ConfigError.self) { try BaselineLoader(path: "/nonexistent/baseline.yaml").load() }
    }

    @Test func aBadDropInIsRefusedWithItsOwnFileAndLine() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "schema: 1\n".write(toFile: dir + "/baseline.yaml", atomically: true, encoding: .utf8)
        try "schema: 1\nlinks:\n  - id: eth0\n    speed: fast\n".write(toFile: dir + "/baseline.d/a.yaml", atomically: true, encoding: .utf8)
        do {
            _ = try BaselineLoader(path: dir + "/baseline.yaml").load()
            Issue.record("accepted")
        } catch {
            #expect(error.file == dir + "/baseline.d/a.yaml" && error.line == 4 && error.key == "links[0].speed")
        }
    }
}

@Suite("SHA-256")
struct SHA256Tests {
    @Test func knownDigests() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array(String(repeating: "a", count: 1000).utf8)) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }
}
