public import PolicyCore
public import YAMLReader
import Yams

/// Where a document of a bundle is: its file (a part of a multipart import), its position there,
/// and for an item of a `List`, which item.
public struct DocumentLocation: Sendable, Hashable, CustomStringConvertible {
    /// The file the document came from (a multipart part's filename); nil for a plain body.
    public var source: String?
    /// The document's position in its file or body, from 0.
    public var index: Int
    /// The item of a `List` document, from 0.
    public var item: Int?
    /// The line the document (or item) starts on, 1-based; 0 when unknown (JSON).
    public var line: Int

    public init(source: String? = nil, index: Int, item: Int? = nil, line: Int) {
        self.source = source
        self.index = index
        self.item = item
        self.line = line
    }

    /// `deploy/api.yaml, document 2`; `document 0, items[5]`.
    public var description: String {
        var text = source.map { "\($0), " } ?? ""
        text += "document \(index)"
        if let item { text += ", items[\(item)]" }
        return text
    }

    /// The description with the line, when known: `deploy/api.yaml, document 2 (line 14)`.
    public var withLine: String { line > 0 ? "\(self) (line \(line))" : description }
}

/// One document of a bundle, with where it came from.
public struct BundleDocument: Sendable {
    public var location: DocumentLocation
    public var value: JSONValue
    /// The line of each field path, for pointing errors at the bad line. An item of a `List` shares
    /// the List's table (copy-on-write, so flattening copies nothing), its paths under `fieldPrefix`.
    public var fieldLines: [String: Int]
    /// Where the document's fields are in `fieldLines`: `items[3]` for an item of a List, else empty.
    public var fieldPrefix: String

    public init(location: DocumentLocation, value: JSONValue, fieldLines: [String: Int] = [:], fieldPrefix: String = "") {
        self.location = location
        self.value = value
        self.fieldLines = fieldLines
        self.fieldPrefix = fieldPrefix
    }

    /// The line the document starts on (1-based); 0 when unknown.
    public var line: Int { location.line }

    /// The line of a field path, or of its nearest enclosing field.
    public func line(of field: String) -> Int {
        var path = Substring(field)
        while !path.isEmpty {
            if let line = fieldLines[fieldPrefix.isEmpty ? String(path) : "\(fieldPrefix).\(path)"] { return line }
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
    /// - Parameters:
    ///   - source: the file the stream came from, for the documents' locations.
    ///   - nodesBefore: the nodes earlier streams of the same request used: they share one budget.
    /// - Returns: the documents, and the nodes used so far, this stream included.
    public static func documents(_ text: String, source: String? = nil, nodesBefore: Int = 0) throws(SyntaxError) -> (
        documents: [BundleDocument], nodes: Int
    ) {
        try checkIndentation(text)
        let (documents, nodes) = try YAMLStreamReader.read(text, nodesBefore: nodesBefore)
        let bundle = documents.enumerated().map { index, document in
            BundleDocument(
                location: DocumentLocation(source: source, index: index, line: document.line), value: document.value,
                fieldLines: document.fieldLines)
        }
        return (bundle, nodes)
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
