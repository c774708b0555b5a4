internal import CYaml
public import PolicyCore

/// One YAML document read into a ``JSONValue``, with the lines its fields came from.
public struct YAMLDocument: Sendable {
    /// The line the document's root node starts on (1-based).
    public var line: Int
    public var value: JSONValue
    /// The line of each field path (`spec.ingress[0].from`), for pointing errors at the bad line.
    /// Paths inside an alias are not listed: errors there point at the alias.
    public var fieldLines: [String: Int]
}

/// Why a YAML stream was refused: a syntax error, or a limit that protects the server.
public struct YAMLReadError: Error, Sendable, Equatable {
    /// The document the problem is in, from 0.
    public var documentIndex: Int
    /// 1-based line and column; 0 when unknown.
    public var line: Int
    public var column: Int
    public var message: String

    public init(documentIndex: Int, line: Int, column: Int, message: String) {
        self.documentIndex = documentIndex
        self.line = line
        self.column = column
        self.message = message
    }
}

/// The limits that keep hostile YAML cheap to refuse.
public struct YAMLLimits: Sendable {
    /// Nodes the whole stream may stand for, each alias counted by the size of what it refers to.
    public var maxNodes: Int
    /// Nested sequences and mappings.
    public var maxDepth: Int

    public init(maxNodes: Int = 2_000_000, maxDepth: Int = 100) {
        self.maxNodes = maxNodes
        self.maxDepth = maxDepth
    }
}

/// Reads YAML streams straight from libyaml's event stream into ``JSONValue``s.
///
/// Why not Yams' composer: it builds the whole node tree before anyone can look at it, and it hashes
/// mapping keys recursively, so a 342-byte alias bomb costs seconds of CPU before a size check could
/// run. Here every alias is charged the size of the node it names the moment it is read, so a bomb
/// is refused after a few hundred events; an alias's value is shared, not copied (copy-on-write).
/// The composer is iterative, so nesting cannot exhaust a thread's stack either.
///
/// Scalars resolve as Kubernetes' YAML reader does (YAML 1.2 core schema): quoted scalars and
/// `!!str` are strings, plain ones may be null, booleans or numbers; mapping keys are always strings.
public enum YAMLStreamReader {
    public static func documents(_ text: String, limits: YAMLLimits = YAMLLimits()) throws(YAMLReadError) -> [YAMLDocument] {
        try read(text, limits: limits).documents
    }

    /// The documents, and the nodes counted against `limits.maxNodes` (aliases by the size of what
    /// they name) after reading them, starting from `nodesBefore`: several streams read for one
    /// request share one budget.
    public static func read(_ text: String, limits: YAMLLimits = YAMLLimits(), nodesBefore: Int = 0) throws(YAMLReadError)
        -> (documents: [YAMLDocument], nodes: Int)
    {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [0x0A] }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLReadError) -> ([YAMLDocument], Int) in
            var composer = Composer(limits: limits)
            composer.count = nodesBefore
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw YAMLReadError(documentIndex: 0, line: 0, column: 0, message: "cannot start the YAML parser")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw composer.syntaxError(parser)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try composer.consume(event)
            }
            return (composer.documents, composer.count)
        }
    }
}

/// Builds values from events with an explicit stack of open sequences and mappings.
private struct Composer {
    /// What an anchor names: its value, how many nodes it stands for, and its text if a scalar
    /// (an alias may be a mapping key only when it names a scalar).
    struct Anchored {
        var value: JSONValue
        var size: Int
        var keyText: String?
    }

    enum Container {
        case sequence([JSONValue])
        /// `key` is the pending key (with its path) once read, before its value.
        case mapping([String: JSONValue], key: String?, keyPath: String)
    }

    struct Frame {
        var container: Container
        var path: String
        var anchor: String?
        /// Nodes counted before this one opened, to learn its size when it closes.
        var countBefore: Int
    }

    let limits: YAMLLimits
    var documents: [YAMLDocument] = []
    var stack: [Frame] = []
    var anchors: [String: Anchored] = [:]
    var count = 0
    var lines: [String: Int] = [:]
    var documentLine = 1
    var root: JSONValue?

    init(limits: YAMLLimits) { self.limits = limits }

    mutating func consume(_ event: yaml_event_t) throws(YAMLReadError) {
        let line = Int(event.start_mark.line) + 1
        let column = Int(event.start_mark.column) + 1
        if stack.isEmpty, root == nil, event.type != YAML_DOCUMENT_START_EVENT, event.type != YAML_DOCUMENT_END_EVENT {
            documentLine = line  // a document starts where its root node does, not at its `---`
        }
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            anchors = [:]  // anchors are scoped to their document
            lines = [:]
            root = nil
            documentLine = line
        case YAML_DOCUMENT_END_EVENT:
            documents.append(YAMLDocument(line: documentLine, value: root ?? .null, fieldLines: lines))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.string(scalar.value, Int(scalar.length))
            let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
            let tag = Self.cString(scalar.tag)
            let value: JSONValue = quoted || tag == "tag:yaml.org,2002:str" ? .string(text) : ScalarResolution.resolve(text)
            try charge(1, line: line, column: column)
            let anchor = Self.cString(scalar.anchor)
            if let anchor { anchors[anchor] = Anchored(value: value, size: 1, keyText: text) }
            try place(value, keyText: text, line: line, column: column)
        case YAML_ALIAS_EVENT:
            let name = Self.cString(event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw error("found undefined alias *\(name)", line: line, column: column)
            }
            try charge(anchored.size, line: line, column: column)
            try place(anchored.value, keyText: anchored.keyText, line: line, column: column)
        case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
            let isSequence = event.type == YAML_SEQUENCE_START_EVENT
            let anchorPointer = isSequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
            if case .mapping(_, nil, _)? = stack.last?.container {
                throw error("mapping keys must be strings", line: line, column: column)
            }
            if stack.count >= limits.maxDepth {
                throw error("YAML nested deeper than \(limits.maxDepth) levels", line: line, column: column)
            }
            let before = count
            try charge(1, line: line, column: column)
            let path = childPath(line: line)
            stack.append(
                Frame(
                    container: isSequence ? .sequence([]) : .mapping([:], key: nil, keyPath: ""), path: path,
                    anchor: Self.cString(anchorPointer), countBefore: before))
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            let frame = stack.removeLast()
            let value: JSONValue
            switch frame.container {
            case .sequence(let elements): value = .array(elements)
            case .mapping(let members, _, _): value = .object(members)
            }
            if let anchor = frame.anchor {
                anchors[anchor] = Anchored(value: value, size: count - frame.countBefore, keyText: nil)
            }
            try attach(value, line: line, column: column)
        default:
            break  // stream start; document and stream ends carry no value
        }
    }

    /// Counts nodes against the stream's budget, refusing the stream the moment it is exceeded.
    mutating func charge(_ nodes: Int, line: Int, column: Int) throws(YAMLReadError) {
        count += nodes
        if count > limits.maxNodes {
            throw error(
                "the bundle expands to more than \(limits.maxNodes) YAML nodes (alias expansion?)", line: line, column: column)
        }
    }

    /// The path of the node about to open or be placed, recording its line as the old composer did:
    /// sequence elements by their own line, mapping values by their key's line.
    mutating func childPath(line: Int) -> String {
        guard let top = stack.last else { return "" }
        switch top.container {
        case .sequence(let elements):
            let path = "\(top.path)[\(elements.count)]"
            lines[path] = line
            return path
        case .mapping(_, _, let keyPath):
            return keyPath
        }
    }

    /// Places a scalar or an alias's value: a key when the open mapping waits for one, else a value.
    mutating func place(_ value: JSONValue, keyText: String?, line: Int, column: Int) throws(YAMLReadError) {
        if let index = stack.indices.last, case .mapping(let members, nil, _) = stack[index].container {
            guard let keyText else { throw error("mapping keys must be strings", line: line, column: column) }
            if members[keyText] != nil {
                throw error("duplicate keys in mapping: \(keyText)", line: line, column: column)
            }
            let path = stack[index].path.isEmpty ? keyText : "\(stack[index].path).\(keyText)"
            lines[path] = line
            stack[index].container = .mapping(members, key: keyText, keyPath: path)
            return
        }
        _ = childPath(line: line)
        try attach(value, line: line, column: column)
    }

    /// Adds a finished value to the open container, or makes it the document's root.
    mutating func attach(_ value: JSONValue, line: Int, column: Int) throws(YAMLReadError) {
        guard let index = stack.indices.last else {
            root = value
            return
        }
        switch stack[index].container {
        case .sequence(var elements):
            stack[index].container = .sequence([])  // keeps `elements` uniquely referenced
            elements.append(value)
            stack[index].container = .sequence(elements)
        case .mapping(var members, let key?, _):
            stack[index].container = .mapping([:], key: nil, keyPath: "")
            members[key] = value
            stack[index].container = .mapping(members, key: nil, keyPath: "")
        case .mapping(_, nil, _):
            throw error("mapping keys must be strings", line: line, column: column)
        }
    }

    func error(_ message: String, line: Int, column: Int) -> YAMLReadError {
        YAMLReadError(documentIndex: documents.count, line: line, column: column, message: message)
    }

    /// libyaml's own description of a syntax error, with its context when it gives one.
    func syntaxError(_ parser: yaml_parser_t) -> YAMLReadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        let message = parser.context.map { "\(String(cString: $0)): \(problem)" } ?? problem
        return YAMLReadError(
            documentIndex: documents.count, line: Int(parser.problem_mark.line) + 1,
            column: Int(parser.problem_mark.column) + 1, message: message)
    }

    static func string(_ pointer: UnsafeMutablePointer<UInt8>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// A NUL-terminated libyaml string (anchors, tags), or nil for none.
    static func cString(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        var length = 0
        while pointer[length] != 0 { length += 1 }
        return string(pointer, length)
    }
}

/// How plain scalars become JSON values: the YAML 1.2 core schema, as Kubernetes reads manifests.
public enum ScalarResolution {
    public static func resolve(_ text: String) -> JSONValue {
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
}
