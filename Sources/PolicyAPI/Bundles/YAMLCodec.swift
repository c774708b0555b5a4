public import PolicyCore
public import YAMLReader
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

/// Reads YAML streams with ``YAMLStreamReader`` (libyaml events, every limit checked as it reads) and
/// writes them with Yams.
public enum YAMLCodec {
    /// A YAML stream that could not be read.
    public typealias SyntaxError = YAMLReadError

    /// Bounds the nodes one stream may expand to, so an alias bomb cannot exhaust memory or time.
    public static let maxNodes = YAMLLimits().maxNodes
    static let maxIndentation = 2000

    /// Parses every document; a syntax error anywhere fails the whole stream (Yams' `load_all`
    /// would stop silently, ARCHITECTURE.md).
    public static func documents(_ text: String) throws(SyntaxError) -> [BundleDocument] {
        try checkIndentation(text)
        return try YAMLStreamReader.documents(text).enumerated().map { index, document in
            BundleDocument(index: index, line: document.line, value: document.value, fieldLines: document.fieldLines)
        }
    }

    /// Absurd indentation is refused before libyaml scans it: no manifest needs thousands of columns.
    static func checkIndentation(_ text: String) throws(SyntaxError) {
        var line = 1
        var indentation = 0
        var atLineStart = true
        for byte in text.utf8 {
            switch byte {
            case 0x0A:
                line += 1
                indentation = 0
                atLineStart = true
            case 0x20 where atLineStart:
                indentation += 1
                if indentation > maxIndentation {
                    throw SyntaxError(
                        documentIndex: 0, line: line, column: indentation,
                        message: "indentation deeper than \(maxIndentation) columns")
                }
            default:
                atLineStart = false
            }
        }
    }

    static func resolvePlain(_ text: String) -> JSONValue { ScalarResolution.resolve(text) }

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
