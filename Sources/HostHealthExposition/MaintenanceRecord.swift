package import HostHealthModel
internal import HostHealthPolicy
internal import HostHealthConfig

/// How a maintenance is kept in the state directory (`maintenance.json`), so that a drain an
/// operator started survives an agent restart:
///
///     {"by":"alice","reason":"replacing sdb","since":1795816440.5,"v":1}
extension Maintenance {
    package func json() -> [UInt8] {
        var writer = JSONWriter()
        writer.object { root in
            root.key("by"); root.string(by)
            root.key("reason"); root.string(reason)
            root.key("since"); root.number(since.secondsSinceEpoch)
            root.key("v"); root.number(1)
        }
        return writer.bytes + [UInt8(ascii: "\n")]
    }
}

extension Maintenance {
    /// Reads what `json()` wrote; nil for anything else.
    package init?(json bytes: [UInt8]) {
        guard let value = try? JSONValue(parsing: bytes),
              let reason = value["reason"]?.string, let by = value["by"]?.string,
              let since = value["since"]?.double, since.isFinite
        else { return nil }
        self.init(reason: reason, since: Timestamp(secondsSinceEpoch: since), by: by)
    }
}
