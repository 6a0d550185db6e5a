package import HostHealthModel
internal import HostSystem

/// A baseline as loaded: the merged document, the files it came from and their digest.
package struct LoadedBaseline: Sendable, Equatable {
    package var baseline: Baseline
    /// The main file, then each `baseline.d/*.yaml` in lexical order.
    package var files: [String]
    /// SHA-256 of the files' bytes in that order: what `hosthealth_baseline_info` names.
    package var sha256: String

    package init(baseline: Baseline, files: [String], sha256: String) {
        self.baseline = baseline
        self.files = files
        self.sha256 = sha256
    }

    /// The main file's path, as outputs name the baseline.
    package var path: String { files.first ?? "" }
}

/// Reads `/etc/hosthealth/baseline.yaml` and the `baseline.d/*.yaml` beside it. No file
/// means no baseline (no drift judgement, as before baselines existed) unless the operator
/// named one; a file that is there must be good, or nothing is loaded.
package struct BaselineLoader: Sendable {
    package static let defaultPath = "/etc/hosthealth/baseline.yaml"

    package var path: String
    package var explicit: Bool

    package init(path: String?) {
        self.path = path ?? Self.defaultPath
        self.explicit = path != nil
    }

    /// The drop-in directory: `baseline.d` beside the main file.
    package var directory: String {
        guard let slash = path.lastIndex(of: "/") else { return "baseline.d" }
        return path[..<slash] + "/baseline.d"
    }

    package func load() throws(ConfigError) -> LoadedBaseline? {
        var files: [String] = []
        var bytes: [UInt8] = []
        var baseline: Baseline?
        switch FileContents.read(path, limit: 4 << 20) {
        case .success(let content):
            baseline = try Self.parse(content, file: path)
            files.append(path)
            bytes += content
        case .failure(let failure):
            if failure != .noSuchFileOrDirectory || explicit {
                throw ConfigError(file: path, reason: "cannot read the baseline: \(failure)")
            }
        }
        for name in try Self.entries(of: directory) where name.hasSuffix(".yaml") {
            let file = "\(directory)/\(name)"
            switch FileContents.read(file, limit: 4 << 20) {
            case .success(let content):
                let part = try Self.parse(content, file: file)
                baseline = baseline.map { $0.merged(with: part) } ?? part
                files.append(file)
                bytes += content
            case .failure(let failure):
                throw ConfigError(file: file, reason: "cannot read the baseline: \(failure)")
            }
        }
        guard let baseline else { return nil }
        return LoadedBaseline(baseline: baseline, files: files, sha256: SHA256.hex(bytes))
    }

    /// One file's bytes as a baseline: UTF-8 or refused with its line.
    package static func parse(_ bytes: [UInt8], file: String) throws(ConfigError) -> Baseline {
        if let line = ConfigLoader.firstInvalidUTF8Line(bytes) {
            throw ConfigError(file: file, line: line, reason: "not valid UTF-8 (the baseline must be UTF-8 text)")
        }
        return try BaselineParser(file: file).parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The directory's visible entries in byte order; none when it is absent.
    static func entries(of directory: String) throws(ConfigError) -> [String] {
        switch DirectoryEntries.sorted(directory) {
        case .success(let names): return names
        case .failure(let failure): throw ConfigError(file: directory, reason: "cannot read the baseline directory: \(failure)")
        }
    }
}
