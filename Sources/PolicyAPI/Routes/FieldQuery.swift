import PolicyCore

/// A Kubernetes `fieldSelector` on the fields every object has: `metadata.name` and
/// `metadata.namespace`, with `=`, `==` and `!=`, terms joined by `,` (`\,`, `\=` and `\\` escape).
/// Other fields are refused as the API server refuses a field a resource does not index
/// (`400 field label not supported`).
struct FieldQuery: Sendable {
    enum Field: Sendable {
        case name
        case namespace
    }

    struct Term: Sendable {
        let field: Field
        let equals: Bool
        let value: String
    }

    let terms: [Term]

    /// Nil for no selector (absent or empty).
    static func parse(_ text: String?) throws(APIError) -> FieldQuery? {
        guard let text, !text.isEmpty else { return nil }
        var terms: [Term] = []
        for raw in split(Array(text.utf8), at: UInt8(ascii: ",")) where !raw.isEmpty {
            let (key, equals, value) = try term(raw, whole: text)
            let field: Field
            switch key.trimmingSpaces {
            case "metadata.name": field = .name
            case "metadata.namespace": field = .namespace
            default: throw APIError.badRequest("field label not supported: \(key.trimmingSpaces)")
            }
            terms.append(Term(field: field, equals: equals, value: value))
        }
        return terms.isEmpty ? nil : FieldQuery(terms: terms)
    }

    func matches(namespace: String, name: String) -> Bool {
        terms.allSatisfy { term in
            (term.field == .name ? name : namespace) == term.value ? term.equals : !term.equals
        }
    }

    /// `key op value` of one term, the value unescaped.
    private static func term(_ bytes: [UInt8], whole: String) throws(APIError) -> (String, Bool, String) {
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            var operatorLength = 0
            var equals = true
            if bytes[index] == UInt8(ascii: "!"), next == UInt8(ascii: "=") {
                operatorLength = 2
                equals = false
            } else if bytes[index] == UInt8(ascii: "="), next == UInt8(ascii: "=") {
                operatorLength = 2
            } else if bytes[index] == UInt8(ascii: "=") {
                operatorLength = 1
            }
            if operatorLength > 0 {
                let key = String(decoding: bytes[..<index], as: UTF8.self)
                let value = try unescape(Array(bytes[(index + operatorLength)...]), whole: whole)
                return (key, equals, value)
            }
            index += 1
        }
        let text = String(decoding: bytes, as: UTF8.self)
        throw APIError.badRequest("invalid selector: '\(whole)'; can't understand '\(text)'")
    }

    private static func unescape(_ bytes: [UInt8], whole: String) throws(APIError) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count,
                    [UInt8(ascii: "\\"), UInt8(ascii: ","), UInt8(ascii: "=")].contains(bytes[index + 1])
                else {
                    throw APIError.badRequest("invalid field selector: '\(whole)': invalid escape sequence")
                }
                out.append(bytes[index + 1])
                index += 2
            } else {
                if bytes[index] == UInt8(ascii: "=") || bytes[index] == UInt8(ascii: ",") {
                    throw APIError.badRequest("invalid field selector: '\(whole)': unescaped '=' or ','")
                }
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `bytes` split at unescaped `separator`s.
    private static func split(_ bytes: [UInt8], at separator: UInt8) -> [[UInt8]] {
        var parts: [[UInt8]] = [[]]
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                parts[parts.count - 1] += bytes[index...(index + 1)]
                index += 2
                continue
            }
            if bytes[index] == separator {
                parts.append([])
            } else {
                parts[parts.count - 1].append(bytes[index])
            }
            index += 1
        }
        return parts
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
