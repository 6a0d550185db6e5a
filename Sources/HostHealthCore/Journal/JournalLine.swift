/// One transition as a line of the on-disk journal:
///
///     v1 <TAB> unix-seconds <TAB> component-id|host <TAB> name <TAB> from|- <TAB> to <TAB> reason
///     v2 <TAB> … the same … <TAB> event
///
/// A transition with a named event (`RebuildStarted`, …) is a v2 line; one without stays v1, so
/// journals written before events existed read the same.
/// Tab-separated with `\\`, `\t` and `\n` escaped, so a line never contains a raw tab or newline
/// of its data. A line torn by a crash (no newline, missing fields, bad values) reads as nil and
/// is skipped: the journal loses at most the record being written.
public enum JournalLine {
    public static func encode(_ transition: Transition) -> String {
        let fields = [
            transition.event == nil ? "v1" : "v2",
            String(transition.at.secondsSinceEpoch),
            transition.component.map { escape($0.description) } ?? "host",
            escape(transition.name),
            transition.from?.rawValue ?? "-",
            transition.to.rawValue,
            escape(transition.reason),
        ] + (transition.event.map { [escape($0)] } ?? [])
        return fields.joined(separator: "\t") + "\n"
    }

    /// Decodes one line without its newline.
    public static func decode(_ line: Substring) -> Transition? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard (fields.count == 7 && fields[0] == "v1") || (fields.count == 8 && fields[0] == "v2"),
              let seconds = Double(fields[1]), seconds.isFinite,
              let to = HealthState(rawValue: String(fields[5]))
        else { return nil }
        let component: ComponentID?
        if fields[2] == "host" {
            component = nil
        } else {
            // By the id's prefix: `md:` is an array's.
            guard let id = unescape(fields[2]), let colon = id.firstIndex(of: ":"),
                  let kind = ComponentKind.allCases.first(where: { $0.idPrefix == id[..<colon] })
            else { return nil }
            component = ComponentID(kind: kind, key: String(id[id.index(after: colon)...]))
        }
        let from: HealthState?
        if fields[4] == "-" {
            from = nil
        } else {
            guard let state = HealthState(rawValue: String(fields[4])) else { return nil }
            from = state
        }
        guard let name = unescape(fields[3]), let reason = unescape(fields[6]) else { return nil }
        var event: String?
        if fields.count == 8 {
            guard let named = unescape(fields[7]) else { return nil }
            event = named
        }
        return Transition(
            component: component, name: name, from: from, to: to, reason: reason,
            at: Timestamp(secondsSinceEpoch: seconds), event: event)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        // By scalar: "\r\n" is one Character and would slip past a per-Character switch.
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func unescape(_ text: Substring) -> String? {
        var out = ""
        var escaping = false
        for character in text {
            if escaping {
                switch character {
                case "\\": out.append("\\")
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: return nil
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                out.append(character)
            }
        }
        return escaping ? nil : out
    }
}
