internal import Glibc

/// A throwaway sysfs tree in a temp folder, written per test case: files end in a newline, as
/// the kernel writes them.
final class SysfsTree {
    let root: String

    init() {
        var template = Array("/tmp/hosthealth-md-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        root = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        Self.remove(root)
    }

    /// Writes `md/<attribute>` files of one array; keys may name member files (`dev-sdb1/state`).
    @discardableResult
    func array(_ name: String, _ attributes: [String: String]) -> SysfsTree {
        for (key, value) in attributes {
            write("block/\(name)/md/\(key)", value + "\n")
        }
        makeDirectory("block/\(name)/md")
        return self
    }

    /// `md/rdN` as the kernel makes it: a link to the member's folder.
    func role(_ name: String, slot: Int, member: String) {
        makeDirectory("block/\(name)/md/dev-\(member)")
        symlink("dev-\(member)", "\(root)/block/\(name)/md/rd\(slot)")
    }

    func write(_ relative: String, _ text: String) {
        let path = "\(root)/\(relative)"
        makeDirectory(String(relative.split(separator: "/").dropLast().joined(separator: "/")))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0, "cannot create \(path)")
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.write(fd, $0.baseAddress, $0.count - 1) }
        close(fd)
    }

    func makeDirectory(_ relative: String) {
        var path = root
        for part in relative.split(separator: "/") {
            path += "/\(part)"
            mkdir(path, 0o755)
        }
    }

    /// Removes a file or folder of the tree, as the kernel does when an array stops.
    func remove(_ relative: String) {
        Self.remove("\(root)/\(relative)")
    }

    private static func remove(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name == "." || name == ".." { continue }
                let child = "\(path)/\(name)"
                var status = stat()
                if lstat(child, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
                    remove(child)
                } else {
                    unlink(child)
                }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}
