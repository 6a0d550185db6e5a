internal import YAML
internal import HostHealthModel

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
    func hooks(_ node: YAMLNode) throws(ConfigError) -> HookConfig {
        var hooks = HookConfig()
        if node.isNull { return hooks }
        for (key, value) in try mapping(node, path: "hooks", allowed: ["on_transition", "timeout"]) {
            let path = "hooks.\(key)"
            switch key {
            case "on_transition":
                if value.isNull { continue }
                guard let text = value.scalar, text.hasPrefix("/"), text.count > 1 else {
                    throw error(value, path, "expected the absolute path of a program, e.g. /usr/local/sbin/hosthealth-hook")
                }
                hooks.onTransition = text
            case "timeout":
                hooks.timeoutSeconds = try duration(value, path: path)
            default: break
            }
        }
        return hooks
    }
}
