import Foundation
import HostSystem
import SensorReader
import Testing

/// Whether sensors3.conf is still as its package shipped it, from dpkg's status file.
@Suite("PackagedConfiguration: a conffile dpkg recorded, unmodified or not")
struct PackagedConfigurationTests {
    func files(status: String, conf: String) throws -> (status: String, conf: String, cleanup: () -> Void) {
        let directory = NSTemporaryDirectory() + "hosthealth-packaged-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let confPath = directory + "/sensors3.conf"
        let statusPath = directory + "/status"
        try Data(conf.utf8).write(to: URL(fileURLWithPath: confPath))
        try Data(status.replacingOccurrences(of: "CONF", with: confPath).utf8).write(to: URL(fileURLWithPath: statusPath))
        return (statusPath, confPath, { try? FileManager.default.removeItem(atPath: directory) })
    }

    let conf = "chip \"nct6776-*\"\n    label in8 \"Vbat\"\n"

    @Test func theRecordedDigestMatchingMeansUnmodified() throws {
        let status = "Package: libsensors-config\nConffiles:\n /etc/other abc\n CONF \(MD5.hex(Array(conf.utf8)))\nDescription: x\n"
        let (statusPath, confPath, cleanup) = try files(status: status, conf: conf)
        defer { cleanup() }
        #expect(PackagedConfiguration.isUnmodified(confPath, status: statusPath))
        try Data((conf + "    label in0 \"Vcore\"\n").utf8).write(to: URL(fileURLWithPath: confPath))
        #expect(!PackagedConfiguration.isUnmodified(confPath, status: statusPath), "edited: the operator's")
    }

    @Test func anObsoleteMarkStillGivesTheDigest() throws {
        let digest = MD5.hex(Array(conf.utf8))
        let (statusPath, confPath, cleanup) = try files(status: "Conffiles:\n CONF \(digest) obsolete\n", conf: conf)
        defer { cleanup() }
        #expect(PackagedConfiguration.recordedDigest(of: confPath, status: statusPath) == digest)
    }

    @Test func noRecordAMalformedOneOrNoStatusIsNotPackaged() throws {
        let (statusPath, confPath, cleanup) = try files(status: "Conffiles:\n CONF 12345\n /etc/sensors3.conf.d nope\n", conf: conf)
        defer { cleanup() }
        #expect(PackagedConfiguration.recordedDigest(of: confPath, status: statusPath) == nil, "not 32 hex digits")
        #expect(PackagedConfiguration.recordedDigest(of: "/etc/unlisted", status: statusPath) == nil)
        #expect(!PackagedConfiguration.isUnmodified(confPath, status: "/nonexistent/status"))
        #expect(!PackagedConfiguration.isUnmodified("/nonexistent/sensors3.conf", status: statusPath))
    }
}
