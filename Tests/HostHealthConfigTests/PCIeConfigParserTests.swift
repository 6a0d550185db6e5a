import HostHealthModel
import HostHealthConfig
import Testing

@Suite("ConfigParser: the pcie section")
struct PCIeConfigParserTests {
    let parser = ConfigParser(file: "hosthealth.yaml")

    @Test func defaultsAreTheDocumentedOnes() {
        let pcie = AgentConfig().pcie
        #expect(pcie.pollIntervalSeconds == 10)
        #expect(pcie.staleAfterSeconds == 180)
        #expect(pcie.correctableMax == nil)
        #expect(pcie.correctableWindowSeconds == 3600)
        #expect(pcie.nonFatalHoldSeconds == 3600)
        #expect(pcie.linkForSeconds == 30)
        #expect(pcie.linkTraining)
        #expect(pcie.pciIDsPath == "/usr/share/misc/pci.ids")
    }

    @Test func everyKeyIsRead() throws {
        let config = try parser.parse("""
            pcie:
              poll_interval: 5s
              stale_after: 1m
              recover_after: 0s
              correctable_max: 50
              correctable_window: 30m
              nonfatal_hold: 2h
              link_for: 1m
              link_training: false
              pci_ids: /opt/pci.ids
            """)
        #expect(config.pcie == PCIeConfig(
            pollIntervalSeconds: 5, staleAfterSeconds: 60, recoverAfterSeconds: 0, correctableMax: 50,
            correctableWindowSeconds: 1800, nonFatalHoldSeconds: 7200, linkForSeconds: 60, linkTraining: false,
            pciIDsPath: "/opt/pci.ids"))
    }

    @Test func correctableMaxAutoIsTheBitErrorRateBound() throws {
        #expect(try parser.parse("pcie: { correctable_max: auto }").pcie.correctableMax == nil)
    }

    @Test func staleAfterFollowsALongPoll() throws {
        let config = try parser.parse("pcie: { poll_interval: 2m }")
        #expect(config.pcie.staleAfterSeconds == 360)
    }

    @Test func badValuesAreRefusedWithTheirKey() {
        for (text, key) in [
            ("pcie: { correctable_max: lots }", "pcie.correctable_max"),
            ("pcie: { pci_ids: pci.ids }", "pcie.pci_ids"),
            ("pcie: { link_training: maybe }", "pcie.link_training"),
            ("pcie: { poll_interval: 1ms }", "pcie.poll_interval"),
            ("pcie: { stale_after: 5s, poll_interval: 10s }", "pcie.stale_after"),
            ("pcie: { correctable: 5 }", "pcie.correctable"),
        ] {
            #expect(throws: ConfigError.self, "\(text)") { try parser.parse(text) }
            do {
                _ = try parser.parse(text)
            } catch {
                #expect(error.key == key, "\(text)")
            }
        }
    }
}
