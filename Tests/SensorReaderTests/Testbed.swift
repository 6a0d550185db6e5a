import Foundation
import HostSystem
import Testing

/// A umockdev testbed written by a test, in umockdev's text format: devices (`P:`), their
/// subsystem (`E: SUBSYSTEM=`), attributes (`A:`, with the newline the kernel writes) and
/// links (`L:`). `sensor-probe` runs inside it under `umockdev-run`, so libsensors reads the
/// testbed's /sys instead of the machine's.
struct Testbed {
    static let umockdevRun = "/usr/bin/umockdev-run"
    static var available: Bool { FileManager.default.isExecutableFile(atPath: umockdevRun) }

    private(set) var text = ""

    /// A device that is not a hwmon chip: a platform device, a PCI function, an nvme controller.
    mutating func device(_ path: String, subsystem: String, links: [String: String] = [:]) {
        text += "P: \(path)\nE: SUBSYSTEM=\(subsystem)\n"
        for (name, target) in links.sorted(by: { $0.key < $1.key }) { text += "L: \(name)=\(target)\n" }
        text += "\n"
    }

    /// A hwmon class device with its attributes; `device` is the relative link to its parent.
    mutating func hwmon(_ path: String, name: String, device: String?, attributes: [String: String]) {
        text += "P: \(path)\nE: SUBSYSTEM=hwmon\nA: name=\(name)\\n\n"
        for (attribute, value) in attributes.sorted(by: { $0.key < $1.key }) { text += "A: \(attribute)=\(value)\\n\n" }
        if let device { text += "L: device=\(device)\n" }
        text += "\n"
    }

    /// Entries written elsewhere (a tree converted to the text format).
    mutating func raw(_ entries: String) {
        text += entries
    }

    /// Runs the probe inside the testbed with `commands` on its stdin; returns its stdout.
    func run(
        _ commands: [String], config: String? = nil, configDirectory: [String: String] = [:], applySets: Bool = false,
        agentConfig: String? = nil, packagedConfig: Bool = false
    ) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hosthealth-sensors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bed = directory.appendingPathComponent("bed.umockdev")
        try Data(text.utf8).write(to: bed)
        var arguments = ["-d", bed.path, "--", try Self.probePath()]
        if let config {
            let file = directory.appendingPathComponent("sensors3.conf")
            try Data(config.utf8).write(to: file)
            arguments += ["--config", file.path]
            if packagedConfig {
                // As dpkg records a conffile: this file, unmodified since its package shipped it.
                let status = directory.appendingPathComponent("status")
                let stanza = "Package: libsensors-config\nStatus: install ok installed\nConffiles:\n \(file.path) \(MD5.hex(Array(config.utf8)))\nDescription: test\n"
                try Data(stanza.utf8).write(to: status)
                arguments += ["--package-status", status.path]
            }
        }
        if !configDirectory.isEmpty {
            let drop = directory.appendingPathComponent("sensors.d")
            try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
            for (name, content) in configDirectory {
                try Data(content.utf8).write(to: drop.appendingPathComponent(name))
            }
            arguments += ["--config-dir", drop.path]
        }
        if applySets { arguments.append("--apply-sets") }
        if let agentConfig { arguments += ["--agent-config", agentConfig] }
        return try Self.launch(Self.umockdevRun, arguments, input: commands.joined(separator: "\n") + "\n")
    }

    /// `sensor-probe`, built beside the test bundle.
    static func probePath() throws -> String {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let probe = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("sensor-probe").path
        guard FileManager.default.isExecutableFile(atPath: probe) else {
            throw ProbeError(message: "sensor-probe not built at \(probe); run swift build --build-tests")
        }
        return probe
    }

    static func launch(_ executable: String, _ arguments: [String], input: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProbeError(message: "\(executable) exited \(process.terminationStatus): \(output)\(errors)")
        }
        return output
    }
}

struct ProbeError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// One `sensor` line of the probe's `read` output, as fields.
struct ProbedSensor {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    static func parse(_ output: String) -> [ProbedSensor] {
        output.split(separator: "\n").filter { $0.hasPrefix("sensor\t") }.map { line in
            var fields: [String: String] = [:]
            for field in line.split(separator: "\t").dropFirst() {
                guard let equals = field.firstIndex(of: "=") else { continue }
                fields[String(field[..<equals])] = String(field[field.index(after: equals)...])
            }
            return ProbedSensor(fields: fields)
        }
    }
}

extension [ProbedSensor] {
    subscript(key key: String) -> ProbedSensor? {
        first { $0["key"] == key }
    }
}
