internal import Glibc
internal import HostSystem

/// Where libsensors' configuration is read from: the main file and the drop-in directory, as
/// `sensors` reads them (`/etc/sensors3.conf`, else `/etc/sensors.conf`, then every file in
/// `/etc/sensors.d` in name order). Labels, computes, ignores and sets all come from here.
/// Tests point it at files of their own.
package struct SensorsConfiguration: Sendable, Equatable {
    /// The main file; nil: `/etc/sensors3.conf`, or `/etc/sensors.conf` when that is missing.
    package var file: String?
    /// The drop-in directory; nil: none.
    package var directory: String?
    /// Writes the `set` statements' limits to the chips whenever libsensors is set up, as
    /// `sensors -s` does at boot: a chip that appears later gets its limits too. Needs write
    /// access to sysfs (root); off by default.
    package var applySets: Bool

    /// dpkg's status file, to tell a main file still as its package shipped it (whose labels
    /// are the distribution's, not the operator's); nil: every label is the operator's.
    package var packageStatus: String?

    package static let system = SensorsConfiguration(file: nil, directory: "/etc/sensors.d", packageStatus: "/var/lib/dpkg/status")

    package init(file: String? = nil, directory: String? = nil, applySets: Bool = false, packageStatus: String? = nil) {
        self.file = file
        self.directory = directory
        self.applySets = applySets
        self.packageStatus = packageStatus
    }

    /// The configuration without a main file that is still as its package shipped it: what
    /// the operator wrote. nil when the main file is the operator's too (changed, or not from
    /// a package), so every label in `load()` is theirs.
    ///
    /// Debian's stock sensors3.conf labels the common inputs of most Super I/O chips (`Vbat`,
    /// `AVCC`, `+3.3V`, `3VSB`, fans and temperatures on some). Such a label says what the
    /// pin is on the chip's reference design, not that this board wires it, and the limits
    /// beside it are whatever the BIOS left: a label there is not the operator's word that
    /// the input counts.
    func operatorOnly() throws(HostHealthError) -> SensorsConfigurationText? {
        guard let packageStatus else { return nil }
        let main = file ?? (access("/etc/sensors3.conf", F_OK) == 0 ? "/etc/sensors3.conf" : "/etc/sensors.conf")
        guard PackagedConfiguration.isUnmodified(main, status: packageStatus) else { return nil }
        var text = SensorsConfigurationText()
        if let directory {
            for name in try Self.entries(of: directory) {
                try text.append(file: directory + "/" + name, regularOnly: true)
            }
        }
        return text
    }

    /// The configuration as one text for `sensors_init`, with where each line came from.
    /// A missing main file or directory is no configuration, as for libsensors; an unreadable
    /// one is an error.
    func load() throws(HostHealthError) -> SensorsConfigurationText {
        var text = SensorsConfigurationText()
        if let file {
            try text.append(file: file)
        } else if try !text.append(file: "/etc/sensors3.conf") {
            try text.append(file: "/etc/sensors.conf")
        }
        if let directory {
            for name in try Self.entries(of: directory) {
                try text.append(file: directory + "/" + name, regularOnly: true)
            }
        }
        return text
    }

    /// The directory's visible entries in byte order (libsensors: scandir with alphasort,
    /// hidden files skipped).
    static func entries(of directory: String) throws(HostHealthError) -> [String] {
        switch DirectoryEntries.sorted(directory) {
        case .success(let names): return names
        case .failure(let failure):
            throw HostHealthError(.sensorsConfiguration, "cannot read the sensors configuration directory \(directory): \(failure)")
        }
    }
}

/// Several configuration files joined into one text, remembering which file each line came
/// from so a parse error can name it.
struct SensorsConfigurationText {
    var bytes: [UInt8] = []
    /// (first line in `bytes`, file) for each file, in order.
    var files: [(firstLine: Int, path: String)] = []
    private var lines = 0

    /// Appends a file; returns false when it does not exist (a missing file is no
    /// configuration) or is not a regular file and `regularOnly` says to skip such.
    @discardableResult
    mutating func append(file path: String, regularOnly: Bool = false) throws(HostHealthError) -> Bool {
        var status = stat()
        if stat(path, &status) != 0 {
            if errno == ENOENT { return false }
            throw HostHealthError(.sensorsConfiguration, "cannot read sensors configuration \(path): \(Errno.current)")
        }
        if status.st_mode & S_IFMT != S_IFREG {
            if regularOnly { return false }
            throw HostHealthError(.sensorsConfiguration, "sensors configuration \(path) is not a regular file")
        }
        var content: [UInt8]
        switch FileContents.read(path, limit: 1 << 20) {
        case .success(let bytes): content = bytes
        case .failure(let code):
            throw HostHealthError(.sensorsConfiguration, "cannot read sensors configuration \(path): \(code); check its permissions", cause: code)
        }
        if let last = content.last, last != UInt8(ascii: "\n") { content.append(UInt8(ascii: "\n")) }
        files.append((lines + 1, path))
        lines += content.count { $0 == UInt8(ascii: "\n") }
        bytes += content
        return true
    }

    /// `file:line` for a line number of the joined text.
    func location(ofLine line: Int) -> String {
        guard line > 0, let file = files.last(where: { $0.firstLine <= line }) else {
            return files.isEmpty ? "sensors configuration" : files.map(\.path).joined(separator: ", ")
        }
        return "\(file.path):\(line - file.firstLine + 1)"
    }
}
