import PolicyCore

/// The text conventions of the API server's table printers: ages, label selectors and label maps.
enum PrinterText {
    /// Seconds since 1970 of an RFC 3339 timestamp (`2024-05-01T12:00:00Z`, with or without a
    /// fraction, `Z` or an offset), or nil when it is not one.
    static func epochSeconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        var index = 0
        func digits(_ count: Int) -> Int64? {
            guard index + count <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[index..<index + count] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
            }
            index += count
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect("-"), let month = digits(2), expect("-"), let day = digits(2), expect("Tt"),
            let hour = digits(2), expect(":"), let minute = digits(2), expect(":"), let second = digits(2),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
            guard index > start else { return nil }
        }
        var offset: Int64 = 0
        if !expect("Zz") {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") else { return nil }
            let sign: Int64 = bytes[index] == UInt8(ascii: "-") ? -1 : 1
            index += 1
            guard let hours = digits(2), expect(":"), let minutes = digits(2) else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
        }
        guard index == bytes.count else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The API server's age of a timestamp: `<unknown>` without one, else ``humanDuration(_:)`` of
    /// the time since.
    static func age(_ timestamp: JSONValue?, now: Int64) -> String {
        guard let text = timestamp?.stringValue, let seconds = epochSeconds(text) else { return "<unknown>" }
        return humanDuration(now - seconds)
    }

    /// A duration as the API server prints it, to two or three significant figures: `45s`, `5m30s`,
    /// `42m`, `5h10m`, `20h`, `3d4h`, `40d`, `2y30d`, `9y`. Up to a second in the future (clocks
    /// disagree) is `0s`; further is `<invalid>`.
    static func humanDuration(_ seconds: Int64) -> String {
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = seconds / 3600
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let rest = (hours / 24) % 365
            return rest == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(rest)d"
        }
        return "\(hours / 24 / 365)y"
    }

    /// A label selector (`matchLabels`, `matchExpressions`) as the API server writes one:
    /// requirements by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, joined by commas; "" when
    /// it selects everything; nil for an operator it does not know.
    static func selector(_ selector: JSONValue?) -> String? {
        var requirements: [(key: String, text: String)] = []
        for (key, value) in selector?["matchLabels"]?.objectValue ?? [:] {
            requirements.append((key, "\(key)=\(value.stringValue ?? "")"))
        }
        for expression in selector?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = (expression["values"]?.arrayValue ?? []).compactMap(\.stringValue).sorted().joined(separator: ",")
            switch expression["operator"]?.stringValue {
            case "In": requirements.append((key, "\(key) in (\(values))"))
            case "NotIn": requirements.append((key, "\(key) notin (\(values))"))
            case "Exists": requirements.append((key, key))
            case "DoesNotExist": requirements.append((key, "!\(key)"))
            default: return nil
            }
        }
        return requirements.enumerated().sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element.text).joined(separator: ",")
    }

    /// `metav1.FormatLabelSelector`: ``selector(_:)``, `<none>` when it selects everything (or is
    /// absent), `<error>` when it cannot be read.
    static func formatSelector(_ selector: JSONValue?) -> String {
        guard let text = self.selector(selector) else { return "<error>" }
        return text.isEmpty ? "<none>" : text
    }

    /// `labels.FormatLabels`: `k=v` by key, joined by commas, `<none>` when empty.
    static func formatLabels(_ labels: JSONValue?) -> String {
        let pairs = (labels?.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.stringValue ?? "")" }
        return pairs.isEmpty ? "<none>" : pairs.joined(separator: ",")
    }
}
