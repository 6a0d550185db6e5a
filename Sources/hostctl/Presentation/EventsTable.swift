package import HostHealthExposition
internal import HostHealthModel

/// Renders the journal as `hostctl events` prints it: one line per transition, newest last.
package struct EventsTable: Sendable {
    package init() {}

    package func render(_ document: EventsDocument) -> String {
        let document = document.visible
        guard !document.events.isEmpty else { return "no transitions recorded\n" }
        let componentWidth = min(32, max(9, document.events.map(\.component.count).max() ?? 0))
        var out = "TIME                  " + pad("COMPONENT", componentWidth) + "  CHANGE                  REASON\n"
        for event in document.events {
            let change = "\(event.from?.rawValue ?? "(new)") -> \(event.to.rawValue)"
            var line = pad(event.time, 20) + "  " + pad(event.component, componentWidth) + "  " + pad(change, 22)
            let reason = [event.event, event.reason.isEmpty ? nil : event.reason].compactMap(\.self).joined(separator: ": ")
            if !reason.isEmpty { line += "  " + reason }
            out += line + "\n"
        }
        return out
    }

    func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
