/// A parsed Calico selector expression (`app == 'web' && has(tier)`), with Calico's semantics and
/// canonical string form.
public indirect enum CalicoSelector: Sendable, Hashable, CustomStringConvertible {
    case all
    case global
    case has(String)
    case equals(String, String)
    case notEquals(String, String)
    case `in`(String, Set<String>)
    case notIn(String, Set<String>)
    case contains(String, String)
    case startsWith(String, String)
    case endsWith(String, String)
    case not(CalicoSelector)
    case and([CalicoSelector])
    case or([CalicoSelector])

    /// Parses a selector; empty or blank text is `all()`.
    /// - Throws: ``SelectorSyntaxError`` naming the position.
    public init(parsing text: String) throws(SelectorSyntaxError) {
        var parser = SelectorParser(text)
        self = try parser.parse()
    }

    /// True when the labels satisfy the expression. `!=` and `not in` hold for a missing label.
    public func matches(_ labels: [String: String]) -> Bool {
        switch self {
        case .all, .global: return true
        case .has(let key): return labels[key] != nil
        case .equals(let key, let value): return labels[key] == value
        case .notEquals(let key, let value): return labels[key] != value
        case .in(let key, let values): return labels[key].map(values.contains) ?? false
        case .notIn(let key, let values): return labels[key].map { !values.contains($0) } ?? true
        case .contains(let key, let part): return labels[key].map { $0.contains(part) } ?? false
        case .startsWith(let key, let part): return labels[key].map { $0.hasPrefix(part) } ?? false
        case .endsWith(let key, let part): return labels[key].map { $0.hasSuffix(part) } ?? false
        case .not(let inner): return !inner.matches(labels)
        case .and(let operands): return operands.allSatisfy { $0.matches(labels) }
        case .or(let operands): return operands.contains { $0.matches(labels) }
        }
    }

    /// The same expression over label keys with a prefix: how Calico turns a `namespaceSelector`
    /// into a selector over the `pcns.` labels endpoints inherit. `all()` becomes "is namespaced".
    public func prefixingKeys(with prefix: String) -> CalicoSelector {
        switch self {
        case .all: return .has("projectcalico.org/namespace")
        case .global: return .not(.has("projectcalico.org/namespace"))
        case .has(let key): return .has(prefix + key)
        case .equals(let key, let value): return .equals(prefix + key, value)
        case .notEquals(let key, let value): return .notEquals(prefix + key, value)
        case .in(let key, let values): return .in(prefix + key, values)
        case .notIn(let key, let values): return .notIn(prefix + key, values)
        case .contains(let key, let part): return .contains(prefix + key, part)
        case .startsWith(let key, let part): return .startsWith(prefix + key, part)
        case .endsWith(let key, let part): return .endsWith(prefix + key, part)
        case .not(let inner): return .not(inner.prefixingKeys(with: prefix))
        case .and(let operands): return .and(operands.map { $0.prefixingKeys(with: prefix) })
        case .or(let operands): return .or(operands.map { $0.prefixingKeys(with: prefix) })
        }
    }

    /// True for `all()` (and the empty selector).
    public var isAll: Bool { self == .all }

    /// Calico's canonical form: double quotes unless the value holds one, sets sorted and
    /// de-duplicated, every `&&`/`||` group in parentheses, `!` without a space.
    public var description: String {
        func quote(_ value: String) -> String { value.contains("\"") ? "'\(value)'" : "\"\(value)\"" }
        switch self {
        case .all: return "all()"
        case .global: return "global()"
        case .has(let key): return "has(\(key))"
        case .equals(let key, let value): return "\(key) == \(quote(value))"
        case .notEquals(let key, let value): return "\(key) != \(quote(value))"
        case .in(let key, let values): return "\(key) in {\(values.sorted().map(quote).joined(separator: ", "))}"
        case .notIn(let key, let values): return "\(key) not in {\(values.sorted().map(quote).joined(separator: ", "))}"
        case .contains(let key, let part): return "\(key) contains \(quote(part))"
        case .startsWith(let key, let part): return "\(key) starts with \(quote(part))"
        case .endsWith(let key, let part): return "\(key) ends with \(quote(part))"
        case .not(let inner): return "!\(inner)"
        case .and(let operands): return "(" + operands.map(\.description).joined(separator: " && ") + ")"
        case .or(let operands): return "(" + operands.map(\.description).joined(separator: " || ") + ")"
        }
    }
}

/// Why a selector did not parse, with the 0-based character position.
public struct SelectorSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let position: Int
    public let message: String
    public var description: String { "\(message) at position \(position)" }
}

/// A recursive-descent parser for Calico's selector grammar.
struct SelectorParser {
    private let chars: [UInt8]
    private var index = 0
    static let maxLabelLength = 512

    init(_ text: String) { chars = Array(text.utf8) }

    private func failure(_ message: String) -> SelectorSyntaxError {
        SelectorSyntaxError(position: index, message: message)
    }

    private mutating func skipSpace() {
        while index < chars.count, chars[index] == 0x20 || chars[index] == 0x09 { index += 1 }
    }

    private static func isLabelChar(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "-")
    }

    private func peek(_ token: String) -> Bool {
        chars[index...].starts(with: Array(token.utf8))
    }

    private mutating func take(_ token: String) -> Bool {
        guard peek(token) else { return false }
        index += token.utf8.count
        return true
    }

    mutating func parse() throws(SelectorSyntaxError) -> CalicoSelector {
        skipSpace()
        if index == chars.count { return .all }
        let result = try orExpression()
        skipSpace()
        if index != chars.count { throw failure("unexpected \"\(String(decoding: chars[index...].prefix(12), as: UTF8.self))\"") }
        return result
    }

    private mutating func orExpression() throws(SelectorSyntaxError) -> CalicoSelector {
        var operands = [try andExpression()]
        while true {
            skipSpace()
            guard take("||") else { break }
            operands.append(try andExpression())
        }
        return operands.count == 1 ? operands[0] : .or(operands)
    }

    private mutating func andExpression() throws(SelectorSyntaxError) -> CalicoSelector {
        var operands = [try unary()]
        while true {
            skipSpace()
            guard take("&&") else { break }
            operands.append(try unary())
        }
        return operands.count == 1 ? operands[0] : .and(operands)
    }

    private mutating func unary() throws(SelectorSyntaxError) -> CalicoSelector {
        skipSpace()
        var negations = 0
        while index < chars.count, chars[index] == UInt8(ascii: "!"), !peek("!=") {
            negations += 1
            index += 1
            skipSpace()
        }
        let inner = try primary()
        return negations % 2 == 1 ? .not(inner) : inner
    }

    private mutating func functionCall(_ name: String) throws(SelectorSyntaxError) -> String? {
        guard take(name + "(") else { return nil }
        skipSpace()
        let argument = label()
        skipSpace()
        guard take(")") else { throw failure("expected ')' to close \(name)(") }
        return argument
    }

    private mutating func primary() throws(SelectorSyntaxError) -> CalicoSelector {
        skipSpace()
        guard index < chars.count else { throw failure("unexpected end of selector") }
        if take("(") {
            let inner = try orExpression()
            skipSpace()
            guard take(")") else { throw failure("expected ')'") }
            return inner
        }
        if let argument = try functionCall("has") {
            guard !argument.isEmpty else { throw failure("has() needs a label") }
            try checkLabelLength(argument)
            return .has(argument)
        }
        if let argument = try functionCall("all") {
            guard argument.isEmpty else { throw failure("all() takes no argument") }
            return .all
        }
        if let argument = try functionCall("global") {
            guard argument.isEmpty else { throw failure("global() takes no argument") }
            return .global
        }
        let start = index
        let key = label()
        guard !key.isEmpty else { throw failure("expected a label, has(), all(), global(), '!' or '('") }
        index = start
        try checkLabelLength(key)
        index = start + key.utf8.count
        skipSpace()
        if take("==") { return .equals(key, try string()) }
        if take("!=") { return .notEquals(key, try string()) }
        if takeWord("contains") { return .contains(key, try string()) }
        if takeWords("starts", "with") { return .startsWith(key, try string()) }
        if takeWords("ends", "with") { return .endsWith(key, try string()) }
        if takeWords("not", "in") { return .notIn(key, try set()) }
        if takeWord("in") { return .in(key, try set()) }
        throw failure("expected an operator (==, !=, in, not in, contains, starts with, ends with) after label \"\(key)\"")
    }

    private mutating func checkLabelLength(_ key: String) throws(SelectorSyntaxError) {
        if key.utf8.count > SelectorParser.maxLabelLength {
            throw failure("label longer than \(SelectorParser.maxLabelLength) characters")
        }
    }

    /// A word operator, which must end at a character that cannot continue a label.
    private mutating func takeWord(_ word: String) -> Bool {
        let end = index + word.utf8.count
        guard peek(word), end == chars.count || !SelectorParser.isLabelChar(chars[end]) else { return false }
        index = end
        return true
    }

    /// A two-word operator; any amount of space (or none) may separate the words.
    private mutating func takeWords(_ first: String, _ second: String) -> Bool {
        let start = index
        guard take(first) else { return false }
        skipSpace()
        if takeWord(second) { return true }
        index = start
        return false
    }

    private mutating func label() -> String {
        let start = index
        while index < chars.count, SelectorParser.isLabelChar(chars[index]) { index += 1 }
        return String(decoding: chars[start..<index], as: UTF8.self)
    }

    private mutating func string() throws(SelectorSyntaxError) -> String {
        skipSpace()
        guard index < chars.count, chars[index] == UInt8(ascii: "'") || chars[index] == UInt8(ascii: "\"") else {
            throw failure("expected a quoted string")
        }
        let quote = chars[index]
        index += 1
        let start = index
        while index < chars.count, chars[index] != quote { index += 1 }
        guard index < chars.count else {
            index = start - 1
            throw failure("unterminated string")
        }
        let value = String(decoding: chars[start..<index], as: UTF8.self)
        index += 1
        return value
    }

    private mutating func set() throws(SelectorSyntaxError) -> Set<String> {
        skipSpace()
        guard take("{") else { throw failure("expected '{' to start a set") }
        var values: Set<String> = []
        skipSpace()
        if take("}") { return values }
        while true {
            values.insert(try string())
            skipSpace()
            if take("}") { return values }
            guard take(",") else { throw failure("expected ',' or '}' in a set") }
            skipSpace()
            if take("}") { return values }
        }
    }
}
