internal import HostHealthModel
internal import HostHealthExposition

/// What `hostctl` prints for people comes partly from outside: link names (any bytes but `/`,
/// `:` and spaces), maintenance reasons, sensor labels, hook output in reasons. Every such
/// string passes `TextFormat.visible` before it reaches a terminal; `--json` stays as the agent
/// sent it, for programs.
extension StatusDocument {
    var visible: StatusDocument {
        var document = self
        document.host.since = TextFormat.visible(host.since)
        document.host.maintenance = host.maintenance.map(TextFormat.visible)
        document.host.fleet?.heldBack = host.fleet?.heldBack.map(TextFormat.visible)
        document.host.fleet?.error = host.fleet?.error.map(TextFormat.visible)
        document.host.fleet?.pool = TextFormat.visible(host.fleet?.pool ?? "")
        document.host.fleet?.budget = TextFormat.visible(host.fleet?.budget ?? "")
        document.host.reasons = host.reasons.map(TextFormat.visible)
        document.components = components.map { component in
            var component = component
            component.kind = TextFormat.visible(component.kind)
            component.id = TextFormat.visible(component.id)
            component.name = TextFormat.visible(component.name)
            component.reason = TextFormat.visible(component.reason)
            component.since = component.since.map(TextFormat.visible)
            component.detail = component.detail.map(TextFormat.visible)
            if var drift = component.drift {
                drift.status = TextFormat.visible(drift.status)
                drift.changes = drift.changes.map { change in
                    var change = change
                    change.path = TextFormat.visible(change.path)
                    change.from = change.from.map(TextFormat.visible)
                    change.to = change.to.map(TextFormat.visible)
                    return change
                }
                drift.deadline = drift.deadline.map(TextFormat.visible)
                component.drift = drift
            }
            return component
        }
        return document
    }
}

extension EventsDocument {
    var visible: EventsDocument {
        var document = self
        document.events = events.map { event in
            var event = event
            event.time = TextFormat.visible(event.time)
            event.component = TextFormat.visible(event.component)
            event.kind = event.kind.map(TextFormat.visible)
            event.name = TextFormat.visible(event.name)
            event.reason = TextFormat.visible(event.reason)
            event.event = event.event.map(TextFormat.visible)
            return event
        }
        return document
    }
}

/// A plain-text answer of the agent, line by line: each line made visible, the line breaks kept.
func visibleLines(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { TextFormat.visible(String($0)) }.joined(separator: "\n")
}
