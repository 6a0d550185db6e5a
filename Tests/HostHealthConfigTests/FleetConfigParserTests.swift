import HostHealthModel
import HostHealthConfig
import Testing

@Suite("ConfigParser: the fleet section")
struct FleetConfigParserTests {
    let parser = ConfigParser(file: "hosthealth.yaml")

    @Test func noSectionIsNoFleet() throws {
        #expect(try parser.parse("links: {}").fleet == nil)
        #expect(try parser.parse("fleet:").fleet == nil)
        // The shipped file uncommented: only the defaults, no etcd and no pool.
        #expect(try parser.parse("fleet: {etcd: [], pool: null, max_draining: 25%, lease_ttl: 30s, member: null}").fleet == nil)
    }

    @Test func theLeastIsEtcdAndPoolWithDocumentedDefaults() throws {
        let fleet = try #require(try parser.parse("fleet: {etcd: [http://127.0.0.1:2379], pool: web}").fleet)
        #expect(fleet == FleetConfig(endpoints: [EtcdEndpoint(tls: false, host: "127.0.0.1", port: 2379)], pool: "web"))
        #expect(fleet.maxDraining == .percent(25))
        #expect(fleet.leaseTTLSeconds == 30)
        #expect(fleet.deniedWeight == 0.5)
        #expect(fleet.staticForSeconds == 600)
        #expect(fleet.keyPrefix == "/hosthealth")
    }

    @Test func everyKeyIsRead() throws {
        let config = try parser.parse("""
            fleet:
              etcd: ["https://etcd1:2379", "https://[fd00::2]"]
              pool: web-eu
              max_draining: 3
              lease_ttl: 15s
              denied_weight: 30%
              static_for: 5m
              member: web-17
              zone: eu-1a
              rack: r12
              key_prefix: /ops/hosthealth
              tls_config:
                ca_file: /etc/hosthealth/etcd-ca.crt
                cert_file: /etc/hosthealth/etcd.crt
                key_file: /etc/hosthealth/etcd.key
                server_name: etcd.internal
                min_version: TLS12
            """)
        #expect(config.fleet == FleetConfig(
            endpoints: [EtcdEndpoint(tls: true, host: "etcd1", port: 2379), EtcdEndpoint(tls: true, host: "fd00::2", port: 2379)],
            pool: "web-eu", maxDraining: .count(3), leaseTTLSeconds: 15, deniedWeight: 0.3, staticForSeconds: 300,
            member: "web-17", zone: "eu-1a", rack: "r12", keyPrefix: "/ops/hosthealth",
            tls: ClientTLSSettings(
                caFile: "/etc/hosthealth/etcd-ca.crt", certFile: "/etc/hosthealth/etcd.crt", keyFile: "/etc/hosthealth/etcd.key",
                serverName: "etcd.internal", minVersion: .tls12)))
    }

    @Test func aShareRoundsDownButOneHostMayAlwaysDrain() {
        #expect(FleetConfig.DrainLimit.percent(25).slots(members: 12) == 3)
        #expect(FleetConfig.DrainLimit.percent(25).slots(members: 15) == 3)
        #expect(FleetConfig.DrainLimit.percent(25).slots(members: 3) == 1)
        #expect(FleetConfig.DrainLimit.percent(25).slots(members: 0) == 1)
        #expect(FleetConfig.DrainLimit.count(0).slots(members: 12) == 0)
        #expect(FleetConfig.DrainLimit.count(4).slots(members: 2) == 4)
    }

    @Test func endpointsAreURLsWithAHostAndNoPath() {
        #expect(EtcdEndpoint(url: "http://10.0.0.1:2380") == EtcdEndpoint(tls: false, host: "10.0.0.1", port: 2380))
        #expect(EtcdEndpoint(url: "https://etcd/") == EtcdEndpoint(tls: true, host: "etcd", port: 2379))
        #expect(EtcdEndpoint(url: "http://[::1]:2379")?.description == "http://[::1]:2379")
        for bad in ["10.0.0.1:2379", "http://", "http://host:0", "http://host:99999", "http://host/v3", "unix:///run/etcd", "http://u@host", "http://[::1"] {
            #expect(EtcdEndpoint(url: bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: [
        ("fleet: {pool: web}", "fleet.etcd", "needs etcd's client URLs"),
        ("fleet: {etcd: [http://e:2379]}", "fleet.pool", "needs the pool's name"),
        ("fleet: {etcd: [e:2379], pool: web}", "fleet.etcd[0]", "expected an etcd client URL"),
        ("fleet: {etcd: [http://e], pool: web/eu}", "fleet.pool", "expected a name"),
        ("fleet: {etcd: [http://e], pool: web, max_draining: 0%}", "fleet.max_draining", "out of range"),
        ("fleet: {etcd: [http://e], pool: web, max_draining: many}", "fleet.max_draining", "number of hosts"),
        ("fleet: {etcd: [http://e], pool: web, lease_ttl: 1s}", "fleet.lease_ttl", "between 5s and 1h"),
        ("fleet: {etcd: [http://e], pool: web, denied_weight: 0.5}", "fleet.denied_weight", "percentage"),
        ("fleet: {etcd: [http://e], pool: web, static_for: 10s}", "fleet.static_for", "at least lease_ttl"),
        ("fleet: {etcd: [http://e], pool: web, tls_config: {ca_file: /ca}}", "fleet.tls_config", "every etcd URL is http://"),
        ("fleet: {etcd: [https://e], pool: web, tls_config: {cert_file: /c}}", "fleet.tls_config", "both cert_file and key_file"),
        ("fleet: {etcd: [https://e, http://f], pool: web}", "fleet.etcd", "mixes http:// and https://"),
        ("fleet: {etcd: [], max_draining: 3}", "fleet.etcd", "needs etcd's client URLs"),
        ("fleet: {etcd: [http://e], pool: null}", "fleet.pool", "needs the pool's name"),
        ("fleet: {etcd: [http://e], pool: web, drain: 3}", "fleet.drain", "unknown key"),
    ])
    func badSettingsAreRefusedByKey(text: String, key: String, reason: String) {
        #expect {
            try parser.parse(text)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == key && error.reason.contains(reason)
        }
    }
}
