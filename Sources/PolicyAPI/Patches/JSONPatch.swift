import PolicyCore

/// RFC 6902 JSON Patch (`application/json-patch+json`): a list of operations applied in order,
/// all or nothing.
struct JSONPatch {
    /// One operation.
    struct Operation {
        enum Kind: String { case add, remove, replace, move, copy, test }
        var kind: Kind
        var path: JSONPointer
        var from: JSONPointer?
        var value: JSONValue?
        /// The operation as written, for errors: `remove "/spec/foo"`.
        var summary: String
    }

    var operations: [Operation]

    /// The most operations one patch may hold, as the Kubernetes API server allows.
    static let maxOperations = 10_000

    /// Reads a patch document.
    /// - Throws: `400 BadRequest` for a document that is not a list of well-formed operations,
    ///   `413` for more than ``maxOperations``.
    init(_ document: JSONValue) throws(APIError) {
        guard case .array(let elements) = document else {
            throw APIError.badRequest("a JSON patch must be a JSON array of operations, got \(document.typeName)")
        }
        if elements.count > Self.maxOperations {
            throw APIError.requestEntityTooLarge(
                "The allowed maximum operations in a JSON patch is \(Self.maxOperations), got \(elements.count)")
        }
        operations = []
        for (index, element) in elements.enumerated() {
            func bad(_ message: String) -> APIError {
                APIError.badRequest("JSON patch operation \(index): \(message)")
            }
            guard case .object(let members) = element else { throw bad("must be an object, got \(element.typeName)") }
            guard let name = members["op"]?.stringValue else { throw bad("\"op\" is required (a string)") }
            guard let kind = Operation.Kind(rawValue: name) else {
                throw bad("unknown op \"\(name)\": must be add, remove, replace, move, copy or test")
            }
            guard let pathText = members["path"]?.stringValue else { throw bad("\"path\" is required (a string)") }
            let path: JSONPointer
            do { path = try JSONPointer(pathText) } catch { throw bad("path: \(error.message)") }
            var from: JSONPointer?
            var summary = "\(name) \"\(pathText)\""
            if kind == .move || kind == .copy {
                guard let fromText = members["from"]?.stringValue else { throw bad("\"from\" is required (a string)") }
                do { from = try JSONPointer(fromText) } catch { throw bad("from: \(error.message)") }
                summary = "\(name) \"\(fromText)\" to \"\(pathText)\""
            }
            let value = members["value"]
            if kind == .add || kind == .replace || kind == .test, value == nil { throw bad("\"value\" is required") }
            operations.append(Operation(kind: kind, path: path, from: from, value: value, summary: summary))
        }
    }

    /// The document with every operation applied.
    /// - Throws: `422` naming the operation that does not apply (a missing path, a failed test).
    func apply(to document: JSONValue) throws(APIError) -> JSONValue {
        var document = document
        // Copies share storage, so a few dozen `copy` operations can describe a document of 2^40
        // values: the values copied are counted (as the API server bounds its accumulated copy
        // size), and the result must stay within the depth the store can read back.
        var copied = 0
        for (index, operation) in operations.enumerated() {
            do throws(JSONPointer.Failure) {
                if operation.kind == .copy, let from = operation.from {
                    copied += JSONPatch.measure(try from.value(in: document), limit: Self.copyLimit - copied).values
                    if copied >= Self.copyLimit {
                        throw JSONPointer.Failure("the patch copies more than \(Self.copyLimit) values in all")
                    }
                }
                try operation.apply(to: &document)
            } catch {
                throw APIError(
                    code: 422, reason: "Invalid",
                    message: "the JSON patch's operation \(index) (\(operation.summary)) does not apply: \(error.message)",
                    causes: [FieldError(field: "patch[\(index)]", reason: "FieldValueInvalid", message: error.message)])
            }
        }
        if JSONPatch.measure(document, limit: 2 * Self.copyLimit).depth > Self.depthLimit {
            throw APIError(
                code: 422, reason: "Invalid", message: "the JSON patch's result nests deeper than \(Self.depthLimit) levels",
                causes: [FieldError(field: "patch", reason: "FieldValueInvalid", message: "nests too deep")])
        }
        return document
    }
}

extension JSONPatch.Operation {
    func apply(to document: inout JSONValue) throws(JSONPointer.Failure) {
        switch kind {
        case .add: try path.add(value!, to: &document)
        case .remove: _ = try path.remove(from: &document)
        case .replace:
            _ = try path.value(in: document)
            try path.replace(with: value!, in: &document)
        case .move:
            guard let from else { return }
            if from.tokens != path.tokens {
                if path.tokens.count > from.tokens.count, Array(path.tokens.prefix(from.tokens.count)) == from.tokens {
                    throw JSONPointer.Failure("a value cannot be moved into one of its own members")
                }
                let moved = try from.remove(from: &document)
                try path.add(moved, to: &document)
            } else {
                _ = try from.value(in: document)
            }
        case .copy:
            guard let from else { return }
            try path.add(try from.value(in: document), to: &document)
        case .test:
            let found = try path.value(in: document)
            guard JSONPatch.equal(found, value!) else {
                throw JSONPointer.Failure("test failed: the value is \(JSONWriter.string(found))")
            }
        }
    }
}

extension JSONPatch {
    /// The most values all `copy` operations of one patch may copy.
    static let copyLimit = 1_000_000
    /// The deepest a patched document may nest (below the store's JSON parser's 200).
    static let depthLimit = 100

    /// How many values `value` holds and how deep it nests, walking no more than `limit` values
    /// (a copied value may be described many times over by shared storage).
    static func measure(_ value: JSONValue, limit: Int) -> (values: Int, depth: Int) {
        var values = 0
        var depth = 0
        var pending: [(JSONValue, Int)] = [(value, 1)]
        while let (next, level) = pending.popLast(), values < limit {
            values += 1
            depth = max(depth, level)
            switch next {
            case .array(let items): for item in items { pending.append((item, level + 1)) }
            case .object(let members): for member in members.values { pending.append((member, level + 1)) }
            default: break
            }
        }
        return (values, depth)
    }

    /// JSON equality as RFC 6902 `test` defines it: numbers by value, objects regardless of order.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.integer(let x), .double(let y)), (.double(let y), .integer(let x)): return Double(x) == y
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default: return a == b
        }
    }
}

/// An RFC 6901 JSON Pointer: `/spec/containers/0/image`, `~1` for `/` and `~0` for `~` in a token.
struct JSONPointer {
    struct Failure: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    var tokens: [String]

    init(_ text: String) throws(Failure) {
        if text.isEmpty {
            tokens = []
            return
        }
        guard text.hasPrefix("/") else { throw Failure("\"\(text)\" is not a JSON pointer: it must be empty or start with /") }
        tokens = try text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { raw throws(Failure) in
            var token = ""
            var iterator = raw.makeIterator()
            while let character = iterator.next() {
                guard character == "~" else {
                    token.append(character)
                    continue
                }
                switch iterator.next() {
                case "0": token.append("~")
                case "1": token.append("/")
                default: throw Failure("\"\(text)\": ~ must be followed by 0 or 1")
                }
            }
            return token
        }
    }

    /// The pointer as text, escaped.
    var text: String {
        tokens.map { "/" + $0.replacing("~", with: "~0").replacing("/", with: "~1") }.joined()
    }

    private func describe(_ count: Int) -> String {
        count == 0 ? "the document" : "\"" + JSONPointer(tokens: Array(tokens.prefix(count))).text + "\""
    }

    private init(tokens: [String]) { self.tokens = tokens }

    /// An array index token: digits without a leading zero.
    private static func index(_ token: String, count: Int, allowEnd: Bool) throws(Failure) -> Int {
        if allowEnd, token == "-" { return count }
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
            token == "0" || !token.hasPrefix("0"), let value = Int(token)
        else {
            throw Failure("\"\(token)\" is not an array index")
        }
        guard value < count || (allowEnd && value == count) else {
            throw Failure("index \(value) is out of range (the array has \(count) elements)")
        }
        return value
    }

    /// The value the pointer names.
    func value(in document: JSONValue) throws(Failure) -> JSONValue {
        var current = document
        for (depth, token) in tokens.enumerated() {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw Failure("\(describe(depth + 1)) does not exist") }
                current = next
            case .array(let elements):
                current = elements[try Self.index(token, count: elements.count, allowEnd: false)]
            default:
                throw Failure("\(describe(depth)) is a \(current.typeName), not an object or array")
            }
        }
        return current
    }

    /// Runs `change` on the parent of the named value, with the last token.
    private func withParent<T>(
        of document: inout JSONValue, _ change: (inout JSONValue, String) throws(Failure) -> T
    ) throws(Failure) -> T {
        guard let last = tokens.last else { throw Failure("the operation needs a path below the document") }
        return try Self.descend(&document, tokens.dropLast()[...], depth: 0, pointer: self) { parent throws(Failure) in
            try change(&parent, last)
        }
    }

    private static func descend<T>(
        _ value: inout JSONValue, _ rest: ArraySlice<String>, depth: Int, pointer: JSONPointer,
        _ body: (inout JSONValue) throws(Failure) -> T
    ) throws(Failure) -> T {
        guard let token = rest.first else { return try body(&value) }
        switch value {
        case .object(var members):
            guard var child = members[token] else { throw Failure("\(pointer.describe(depth + 1)) does not exist") }
            members[token] = nil  // keeps the child uniquely referenced while it changes
            defer {
                members[token] = child
                value = .object(members)
            }
            return try descend(&child, rest.dropFirst(), depth: depth + 1, pointer: pointer, body)
        case .array(var elements):
            let position = try index(token, count: elements.count, allowEnd: false)
            var child = elements[position]
            elements[position] = .null
            defer {
                elements[position] = child
                value = .array(elements)
            }
            return try descend(&child, rest.dropFirst(), depth: depth + 1, pointer: pointer, body)
        default:
            throw Failure("\(pointer.describe(depth)) is a \(value.typeName), not an object or array")
        }
    }

    /// RFC 6902 `add`: sets an object member, inserts into an array (`-` appends), or replaces the document.
    func add(_ new: JSONValue, to document: inout JSONValue) throws(Failure) {
        if tokens.isEmpty {
            document = new
            return
        }
        try withParent(of: &document) { parent, last throws(Failure) in
            switch parent {
            case .object(var members):
                members[last] = new
                parent = .object(members)
            case .array(var elements):
                elements.insert(new, at: try Self.index(last, count: elements.count, allowEnd: true))
                parent = .array(elements)
            default:
                throw Failure("the parent of \(describe(tokens.count)) is a \(parent.typeName), not an object or array")
            }
        }
    }

    /// Replaces the value the pointer names, which must exist.
    func replace(with new: JSONValue, in document: inout JSONValue) throws(Failure) {
        if tokens.isEmpty {
            document = new
            return
        }
        try withParent(of: &document) { parent, last throws(Failure) in
            switch parent {
            case .object(var members):
                members[last] = new
                parent = .object(members)
            case .array(var elements):
                elements[try Self.index(last, count: elements.count, allowEnd: false)] = new
                parent = .array(elements)
            default:
                throw Failure("the parent of \(describe(tokens.count)) is a \(parent.typeName), not an object or array")
            }
        }
    }

    /// Removes the value the pointer names, which must exist, and returns it.
    func remove(from document: inout JSONValue) throws(Failure) -> JSONValue {
        try withParent(of: &document) { parent, last throws(Failure) in
            switch parent {
            case .object(var members):
                guard let removed = members.removeValue(forKey: last) else {
                    throw Failure("\(describe(tokens.count)) does not exist")
                }
                parent = .object(members)
                return removed
            case .array(var elements):
                let removed = elements.remove(at: try Self.index(last, count: elements.count, allowEnd: false))
                parent = .array(elements)
                return removed
            default:
                throw Failure("the parent of \(describe(tokens.count)) is a \(parent.typeName), not an object or array")
            }
        }
    }
}

/// RFC 7386 JSON Merge Patch (`application/merge-patch+json`): objects merge member by member,
/// `null` removes a member, anything else (arrays included) replaces.
enum JSONMergePatch {
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let members) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in members {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
