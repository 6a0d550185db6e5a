internal import Glibc
internal import YAML
internal import HostHealthModel
internal import HostSystem

/// `hooks:` — a program run once per transition (`on_transition`), with the facts in
/// `HOSTHEALTH_*` environment variables; killed at `timeout`. No program: no hooks, not an
/// error.
package struct HookConfig: Sendable, Equatable {
    /// An absolute path; run directly, with no shell and no arguments.
    package var onTransition: String?
    package var timeoutSeconds: Double

    package init(onTransition: String? = nil, timeoutSeconds: Double = 10) {
        self.onTransition = onTransition
        self.timeoutSeconds = timeoutSeconds
    }
}

extension ConfigParser {
    static var hookKeys: ConfigSection<HookConfig> {
        ConfigSection([
            ConfigKey("on_transition") { (parser, node, path, hooks) throws(ConfigError) in
                if node.isNull { return }
                guard let text = node.scalar, text.hasPrefix("/"), text.count > 1 else {
                    throw parser.error(node, path, "expected the absolute path of a program, e.g. /usr/local/sbin/hosthealth-hook")
                }
                // Refused here rather than at the first transition, when nobody is watching.
                var status = stat()
                let problem: String? =
                    if stat(text, &status) != 0 { "\(Errno.current)" }
                    else if status.st_mode & S_IFMT != S_IFREG { "not a regular file" }
                    else if access(text, X_OK) != 0 { "not executable: \(Errno.current)" }
                    else { nil }
                if let problem {
                    throw parser.error(node, path, "cannot run \(text) (\(problem)); the hook would fail at every transition")
                }
                hooks.onTransition = text
            },
            .field("timeout", \.timeoutSeconds) { (parser, node, path) throws(ConfigError) in try parser.duration(node, path: path) },
        ])
    }

    func hooks(_ node: YAMLNode) throws(ConfigError) -> HookConfig {
        var hooks = HookConfig()
        if node.isNull { return hooks }
        try Self.hookKeys.apply(node, path: "hooks", to: &hooks, with: self)
        return hooks
    }
}
