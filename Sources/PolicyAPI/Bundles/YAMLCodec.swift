public import PolicyCore
import Yams

/// One document of a bundle, with where it came from.
public struct BundleDocument: Sendable {
    /// Position in the stream, from 0.
    public var index: Int
    /// The line the document starts on (1-based), when read from YAML.
    public var line: Int
    public var value: JSONValue
    /// The line of each field path, for pointing errors at the bad line.
    public var fieldLines: [String: Int]

    public init(index: Int, line: Int, value: JSONValue, fieldLines: [String: Int] = [:]) {
        self.index = index
        self.line = line
        self.value = value
        self.fieldLines = fieldLines
    }

    /// The line of a field path, or of its nearest enclosing field.
    public func line(of field: String) -> Int {
        var path = Substring(field)
        while !path.isEmpty {
            if let line = fieldLines[String(path)] { return line }
            guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            path = path[..<cut]
        }
        return line
    }
}

/// Reads and writes YAML streams with Yams, mapping nodes to ``JSONValue`` as Kubernetes does.
public enum YAMLCodec {
    /// A YAML stream that could not be read.
    public struct SyntaxError: Error, Sendable {
        public var documentIndex: Int
        public var line: Int
        public var column: Int
        public var message: String
    }

    /// Bounds the nodes one stream may expand to, so an alias bomb cannot exhaust memory.
    public static let maxNodes = 2_000_000
    static let maxDepth = 100

    /// Parses every document; a syntax error anywhere fails the whole stream (Yams' `load_all`
    /// would stop silently, ARCHITECTURE.md).
    public static func documents(_ text: String) throws(SyntaxError) -> [BundleDocument] {
        try checkNesting(text)
        var documents: [BundleDocument] = []
        var budget = maxNodes
        do {
            let parser = try Parser(yaml: text, resolver: .basic)
            while let root = try parser.nextRoot() {
                var lines: [String: Int] = [:]
                let value = try convert(root, path: "", depth: 0, lines: &lines, budget: &budget)
                documents.append(
                    BundleDocument(index: documents.count, line: root.mark?.line ?? 1, value: value, fieldLines: lines))
            }
        } catch let error as SyntaxError {
            throw error
        } catch let error as YamlError {
            throw describe(error, documentIndex: documents.count)
        } catch {
            throw SyntaxError(documentIndex: documents.count, line: 0, column: 0, message: "\(error)")
        }
        return documents
    }

    /// Yams builds nodes recursively, so hostile nesting would exhaust a thread's stack before the
    /// depth check in `convert` runs: refuse it from the text first. Every flow bracket counts (even
    /// one inside a string, which only errs towards refusing absurd input); block nesting is bounded
    /// by indentation.
    static func checkNesting(_ text: String) throws(SyntaxError) {
        var depth = 0
        var line = 1
        var column = 0
        var indentation = 0
        var atLineStart = true
        for byte in text.utf8 {
            column += 1
            switch byte {
            case 0x0A:
                line += 1
                column = 0
                indentation = 0
                atLineStart = true
                continue
            case 0x20 where atLineStart:
                indentation += 1
                if indentation > maxIndentation {
                    throw SyntaxError(documentIndex: 0, line: line, column: column, message: "indentation deeper than \(maxIndentation) columns")
                }
                continue
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > maxDepth {
                    throw SyntaxError(documentIndex: 0, line: line, column: column, message: "YAML nested deeper than \(maxDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
            atLineStart = false
        }
    }

    static let maxIndentation = 2000

    private static func describe(_ error: YamlError, documentIndex: Int) -> SyntaxError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let text = context.map { "\($0.text): \(problem)" } ?? problem
            return SyntaxError(documentIndex: documentIndex, line: mark.line, column: mark.column, message: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return SyntaxError(
                documentIndex: documentIndex, line: context.mark.line, column: context.mark.column,
                message: "duplicate keys in mapping: \(duplicates.joined(separator: ", "))")
        default:
            return SyntaxError(documentIndex: documentIndex, line: 0, column: 0, message: "\(error)")
        }
    }

    private static func convert(
        _ node: Node, path: String, depth: Int, lines: inout [String: Int], budget: inout Int
    ) throws -> JSONValue {
        budget -= 1
        if budget < 0 {
            throw SyntaxError(
                documentIndex: 0, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                message: "the bundle expands to more than \(maxNodes) YAML nodes (alias expansion?)")
        }
        if depth > maxDepth {
            throw SyntaxError(
                documentIndex: 0, line: node.mark?.line ?? 0, column: node.mark?.column ?? 0,
                message: "YAML nested deeper than \(maxDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            return resolve(scalar)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (offset, element) in sequence.enumerated() {
                let elementPath = "\(path)[\(offset)]"
                if let line = element.mark?.line { lines[elementPath] = line }
                elements.append(try convert(element, path: elementPath, depth: depth + 1, lines: &lines, budget: &budget))
            }
            return .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw SyntaxError(
                        documentIndex: 0, line: keyNode.mark?.line ?? 0, column: keyNode.mark?.column ?? 0,
                        message: "mapping keys must be strings")
                }
                let key = keyScalar.string
                let memberPath = path.isEmpty ? key : "\(path).\(key)"
                if let line = keyNode.mark?.line { lines[memberPath] = line }
                members[key] = try convert(valueNode, path: memberPath, depth: depth + 1, lines: &lines, budget: &budget)
            }
            return .object(members)
        case .alias(let alias):
            throw SyntaxError(
                documentIndex: 0, line: alias.mark?.line ?? 0, column: alias.mark?.column ?? 0,
                message: "unresolved alias *\(alias.anchor.rawValue)")
        }
    }

    /// YAML 1.2 core-schema resolution of plain scalars; quoted scalars are always strings.
    static func resolve(_ scalar: Node.Scalar) -> JSONValue {
        guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string) }
        return resolvePlain(scalar.string)
    }

    static func resolvePlain(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (first >= 0x30 && first <= 0x39)
        else { return .string(text) }
        if let integer = Int64(text) { return .integer(integer) }
        if text.hasPrefix("0x"), let integer = Int64(text.dropFirst(2), radix: 16) { return .integer(integer) }
        if text.hasPrefix("0o"), let integer = Int64(text.dropFirst(2), radix: 8) { return .integer(integer) }
        let numberish = text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E")
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "+")
        }
        if numberish, text.utf8.contains(where: { $0 >= 0x30 && $0 <= 0x39 }), let double = Double(text) {
            return .double(double)
        }
        return .string(text)
    }

    /// A YAML stream of documents (`---` separated).
    public static func serialize(_ documents: [JSONValue]) throws -> String {
        try Yams.serialize(nodes: documents.map(node), explicitStart: true, sortKeys: true)
    }

    static func node(_ value: JSONValue) -> Node {
        switch value {
        case .null: return Node.scalar(.init("null", .implicit, .plain))
        case .bool(let flag): return Node.scalar(.init(flag ? "true" : "false", .implicit, .plain))
        case .integer(let number): return Node.scalar(.init(String(number), .implicit, .plain))
        case .double(let number): return Node.scalar(.init(String(describing: number), .implicit, .plain))
        case .string(let text):
            // A string that would read back as another type must be quoted.
            let style: Node.Scalar.Style = resolvePlain(text) == .string(text) ? .any : .doubleQuoted
            return Node.scalar(.init(text, .implicit, style))
        case .array(let elements): return Node.sequence(.init(elements.map(node)))
        case .object(let members):
            return Node.mapping(.init(members.keys.sorted().map { (Node.scalar(.init($0)), node(members[$0]!)) }))
        }
    }
}
