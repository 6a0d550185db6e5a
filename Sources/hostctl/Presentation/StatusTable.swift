internal import HostHealthModel
package import HostHealthExposition

/// Renders a status document as the table `hostctl status` prints: the host first, then the
/// components worst first. Colour only when asked (a terminal); plain text when piped.
package struct StatusTable: Sendable {
    package var color: Bool
    /// Only components that are not ok.
    package var problemsOnly: Bool

    package init(color: Bool, problemsOnly: Bool = false) {
        self.color = color
        self.problemsOnly = problemsOnly
    }

    package func render(_ document: StatusDocument) -> String {
        let document = document.visible
        var out = ""
        let host = document.host
        out += "HOST  \(paint(host.state.rawValue.uppercased(), host.state))  capacity \(percent(host.capacity))  since \(host.since)"
        if let maintenance = host.maintenance {
            out += "  maintenance: \(maintenance)"
        }
        out += "\n"
        for reason in host.reasons {
            out += "  - \(reason)\n"
        }
        if let fleet = host.fleet {
            out += "FLEET pool \(fleet.pool): \(fleet.budget)"
            if let draining = fleet.draining, let slots = fleet.slots, let members = fleet.members {
                out += " (\(draining)/\(slots) draining of \(members))"
            }
            out += "\n"
            if let held = fleet.heldBack {
                out += "  - held back, serving at \(percent(fleet.weight ?? 0)): \(held)\n"
            }
            if let error = fleet.error, fleet.budget == "unavailable" { out += "  - etcd: \(error)\n" }
        }
        // A host has dozens of sensors and DIMMs: the ones that are ok are only counted.
        let counted = Self.countedWhenOk.map { kind, noun in
            (noun, document.components.count { $0.kind == kind.rawValue && $0.state == .ok })
        }.filter { $0.1 > 0 }
        let okSensors = counted.reduce(0) { $0 + $1.1 }
        // A component that drifted from the baseline is shown even when its state is ok (an
        // MTU change only warns): the operator asked what differs.
        let components = document.components
            .filter { !problemsOnly || $0.state != .ok || Self.drifted($0) }
            .filter { component in
                component.state != .ok || Self.drifted(component) || !Self.countedWhenOk.contains { $0.kind.rawValue == component.kind }
            }
            .sorted { $0.state != $1.state ? $0.state > $1.state : ($0.kind, $0.name) < ($1.kind, $1.name) }
        let okCount = document.components.count { $0.state == .ok && !Self.drifted($0) }
        if components.isEmpty {
            out += problemsOnly && okCount > 0 || okSensors > 0 ? "\nall \(okCount) components ok\n" : "\nno components\n"
            return out
        }
        let kindWidth = max(4, components.map(\.kind.count).max() ?? 0)
        let nameWidth = max(4, min(24, components.map(\.name.count).max() ?? 0))
        let stateWidth = 10
        out += "\n" + pad("KIND", kindWidth) + "  " + pad("NAME", nameWidth) + "  " + pad("STATE", stateWidth) + "  REASON\n"
        for component in components {
            var line = pad(component.kind, kindWidth) + "  " + pad(component.name, nameWidth) + "  "
            line += paint(component.state.rawValue, component.state) + pad("", stateWidth - component.state.rawValue.count)
            var detail = component.reason
            if component.stale { detail += detail.isEmpty ? "(stale)" : " (stale)" }
            if component.ignored == true { detail += detail.isEmpty ? "(ignored)" : " (ignored)" }
            if component.state == .converging, let progress = component.progress {
                detail += "  " + bar(progress) + " " + percent(progress)
                if let eta = component.etaSeconds { detail += " ETA " + TextFormat.duration(eta) }
            }
            if let drift = component.drift, Self.drifted(component) {
                var shown = "drift \(drift.status)"
                if let change = drift.changes.first {
                    shown += ": \(change.path) \(change.from ?? "none") → \(change.to ?? "none")"
                    if drift.changes.count > 1 { shown += " (+\(drift.changes.count - 1) more)" }
                }
                if let deadline = drift.deadline { shown += ", within \(deadline)" }
                detail += detail.isEmpty ? shown : "; " + shown
            }
            if !detail.isEmpty { line += "  " + detail }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
            if let more = component.detail { out += pad("", kindWidth + 2) + more + "\n" }
        }
        if problemsOnly, okCount > 0 {
            out += "(\(okCount) more ok)\n"
        } else if okSensors > 0 {
            out += "(" + counted.map { noun, count in "\(count) more \(noun)\(count == 1 ? "" : "s")" }.joined(separator: ", ") + " ok)\n"
        }
        return out
    }

    /// Whether the component differs from the baseline (`hostctl diff` says more).
    static func drifted(_ component: StatusDocument.Component) -> Bool {
        guard let status = component.drift?.status else { return false }
        return status != "in_sync"
    }

    /// Kinds whose ok components are counted, not listed, with what one is called.
    static let countedWhenOk: [(kind: ComponentKind, noun: String)] = [(.sensor, "sensor"), (.memory, "memory component")]

    func paint(_ text: String, _ state: HealthState) -> String {
        guard color else { return text }
        let code = switch state {
        case .ok: "32"
        case .converging: "36"
        case .degraded: "33"
        case .failed: "1;31"
        case .unknown: "35"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    func percent(_ ratio: Double) -> String {
        "\(Int((ratio * 100).rounded()))%"
    }

    func bar(_ progress: Double) -> String {
        let filled = Int((max(0, min(1, progress)) * 20).rounded())
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: 20 - filled) + "]"
    }

}
