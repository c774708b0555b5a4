/// The string form of a Kubernetes label selector, as in `kubectl get -l` and `?labelSelector=`:
/// `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas.
public struct LabelQuery: Sendable, Hashable {
    enum Term: Sendable, Hashable {
        case equals(String, String)
        case notEquals(String, String)
        case `in`(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    let terms: [Term]

    /// Parses the query; the error says what is wrong and where.
    public init(_ text: String) throws(FieldError) {
        var terms: [Term] = []
        var scanner = Scanner(Array(text.utf8))
        scanner.skipSpace()
        if scanner.atEnd {
            self.terms = []
            return
        }
        while true {
            terms.append(try scanner.term())
            scanner.skipSpace()
            if scanner.atEnd { break }
            guard scanner.take(",") else { throw scanner.failure("expected ','") }
        }
        self.terms = terms
    }

    public func matches(_ labels: [String: String]) -> Bool {
        terms.allSatisfy { term in
            switch term {
            case .equals(let key, let value): labels[key] == value
            case .notEquals(let key, let value): labels[key] != value
            case .in(let key, let values): labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): labels[key].map { !values.contains($0) } ?? true
            case .exists(let key): labels[key] != nil
            case .doesNotExist(let key): labels[key] == nil
            }
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }

        func failure(_ message: String) -> FieldError {
            .invalid("labelSelector", "\(message) at position \(index)")
        }

        mutating func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 { index += 1 }
        }

        mutating func take(_ token: String) -> Bool {
            let tokenBytes = Array(token.utf8)
            guard bytes[index...].starts(with: tokenBytes) else { return false }
            index += tokenBytes.count
            return true
        }

        mutating func word() -> String {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x20 || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "!")
                    || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                {
                    break
                }
                index += 1
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func key() throws(FieldError) -> String {
            skipSpace()
            let key = word()
            if key.isEmpty { throw failure("expected a label key") }
            if let problem = NameRules.labelKeyProblem(key) { throw failure("invalid label key \"\(key)\": \(problem)") }
            return key
        }

        mutating func value() throws(FieldError) -> String {
            skipSpace()
            let value = word()
            if let problem = NameRules.labelValueProblem(value) {
                throw failure("invalid label value \"\(value)\": \(problem)")
            }
            return value
        }

        mutating func valueSet() throws(FieldError) -> Set<String> {
            skipSpace()
            guard take("(") else { throw failure("expected '('") }
            var values: Set<String> = []
            while true {
                values.insert(try value())
                skipSpace()
                if take(")") { break }
                guard take(",") else { throw failure("expected ',' or ')'") }
            }
            return values
        }

        mutating func term() throws(FieldError) -> Term {
            skipSpace()
            if take("!") { return .doesNotExist(try key()) }
            let key = try key()
            skipSpace()
            if atEnd || bytes[index] == UInt8(ascii: ",") { return .exists(key) }
            if take("==") || take("=") { return .equals(key, try value()) }
            if take("!=") { return .notEquals(key, try value()) }
            let op = word()
            switch op {
            case "in": return .in(key, try valueSet())
            case "notin": return .notIn(key, try valueSet())
            default: throw failure("expected an operator (=, ==, !=, in, notin) after \"\(key)\"")
            }
        }
    }
}
