/// How numbers read in reasons, errors and tables: one formatter each, so a value reads the same
/// in `/status`, the journal and `hostctl`, and none traps on a value a reader or a
/// configuration could produce (NaN, ∞, a negative age).
package enum TextFormat {
    /// `250ms`, `45s`, `1m30s`, `7m`, `1h`, `2h5m`: whole seconds, rounded, below a second in
    /// milliseconds; NaN and negative read as 0s, values beyond a million hours saturate.
    package static func duration(_ seconds: Double) -> String {
        if seconds > 0, seconds < 0.9995 { return "\(Int((seconds * 1000).rounded()))ms" }
        let whole = seconds.isNaN ? 0 : Int(min(max(seconds, 0), 3.6e9).rounded())
        let hours = whole / 3600, minutes = whole % 3600 / 60, rest = whole % 60
        if hours > 0 { return "\(hours)h" + (minutes > 0 ? "\(minutes)m" : "") }
        if minutes > 0 { return "\(minutes)m" + (rest > 0 ? "\(rest)s" : "") }
        return "\(rest)s"
    }

    /// Text from outside (a link's name, a maintenance reason, a hook's words) made safe to
    /// print on a terminal: control characters (C0, DEL, C1) and the bidirectional overrides
    /// that reorder what is shown become visible escapes (`\x1b`, `\u{202e}`), so no string
    /// can move the cursor, erase its own line or draw a forged one.
    package static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out += scalar.value < 0x100
                    ? "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                    : "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A character that acts on a terminal rather than showing: C0, DEL, C1, and the
    /// bidirectional marks and overrides. What `visible` escapes, and what operators may not
    /// write into a maintenance reason.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7F...0x9F, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// A value for people: at most three decimals, no trailing zeros (`80`, `1.05`, `3.3`).
    package static func decimal(_ value: Double) -> String {
        let scaled = (value * 1000).rounded()
        guard scaled.isFinite, abs(scaled) < 1e15 else { return "\(value)" }
        let whole = Int64(scaled)
        let sign = whole < 0 ? "-" : ""
        let magnitude = whole.magnitude
        var text = sign + String(magnitude / 1000)
        let fraction = magnitude % 1000
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 3 - digits.count) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}
