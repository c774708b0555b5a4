public import MicroHTTP
public import PolicyCore
import YAMLReader

/// Reads request bodies: one object (JSON or YAML), or a bundle of them.
public enum BundleReader {
    enum Format { case json, yaml }

    /// The body's format from its Content-Type. curl's default (`-d` sends form encoding) is sniffed:
    /// a body starting with `{` or `[` is JSON, anything else YAML.
    static func format(of request: HTTPRequest) throws(APIError) -> Format {
        let type =
            (request.header("content-type") ?? "application/json").split(separator: ";").first.map {
                $0.trimmingWhitespace().lowercased()
            } ?? ""
        switch type {
        case "", "application/json", "application/merge-patch+json": return .json
        case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/apply-patch+yaml": return .yaml
        case "application/x-www-form-urlencoded":
            let first = request.body.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
            return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
        default: throw APIError.unsupportedMediaType(type)
        }
    }

    static func text(_ bytes: [UInt8]) throws(APIError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError.badRequest("the request body is not valid UTF-8")
        }
        if text.utf8.contains(0) { throw APIError.badRequest("the request body contains a NUL byte") }
        return text
    }

    /// A request body read as JSON: the one place a JSON syntax error becomes `400` (a stored body
    /// that does not parse is the server's fault, not the client's).
    static func json(_ body: [UInt8]) throws(APIError) -> JSONValue {
        do {
            return try JSONParser.parse(body)
        } catch {
            throw APIError.badRequest("the request body is not valid JSON: \(error)")
        }
    }

    /// The single object in a write request's body.
    public static func object(from request: HTTPRequest) throws -> JSONValue {
        let documents = try documents(from: request)
        guard documents.count == 1 else {
            throw APIError.badRequest("expected one object in the request body, found \(documents.count)")
        }
        return documents[0].value
    }

    /// Every document of a bundle, `List`s flattened.
    /// - Throws: ``APIError`` for a body of the wrong type or encoding, `YAMLReadError` for YAML that does not read.
    public static func documents(from request: HTTPRequest) throws -> [BundleDocument] {
        let format = try format(of: request)
        let body = try text(request.body)
        var raw: [BundleDocument]
        switch format {
        case .json:
            if body.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
            raw = [BundleDocument(index: 0, line: 1, value: try json(request.body))]
        case .yaml:
            raw = try YAMLCodec.documents(body)
        }
        var flattened: [BundleDocument] = []
        for document in raw where !document.value.isNull {
            if document.value["kind"]?.stringValue == "List" {
                guard let items = document.value["items"]?.arrayValue else {
                    throw APIError.badRequest("document \(document.index) (line \(document.line)): a List needs an items array")
                }
                for (offset, item) in items.enumerated() {
                    var lines: [String: Int] = [:]
                    let prefix = "items[\(offset)]"
                    for (path, line) in document.fieldLines where path.hasPrefix(prefix) {
                        var rest = path.dropFirst(prefix.count)
                        if rest.first == "." { rest = rest.dropFirst() }
                        lines[String(rest)] = line
                    }
                    flattened.append(
                        BundleDocument(
                            index: flattened.count, line: document.fieldLines[prefix] ?? document.line, value: item,
                            fieldLines: lines))
                }
            } else {
                var copy = document
                copy.index = flattened.count
                flattened.append(copy)
            }
        }
        return flattened
    }

    /// Validates every document; the first invalid one fails the whole bundle, naming its index and line.
    public static func decode(_ documents: [BundleDocument], defaultNamespace: String?) throws(InvalidDocument) -> [DecodedObject]
    {
        var objects: [DecodedObject] = []
        for document in documents {
            do {
                objects.append(try ObjectDecoder.decode(document.value, defaultNamespace: defaultNamespace))
            } catch {
                throw InvalidDocument(error, in: document)
            }
        }
        return objects
    }
}

/// A document of a bundle that failed validation: the `ValidationError`, and where in the stream
/// the document and each of its faulty fields are.
public struct InvalidDocument: Error, Sendable {
    public let error: ValidationError
    /// The document's position in the stream, from 0.
    public let index: Int
    /// The line the document starts on.
    public let line: Int
    /// The line of each cause's field, in the order of `error.causes`.
    public let causeLines: [Int]

    init(_ error: ValidationError, in document: BundleDocument) {
        self.error = error
        index = document.index
        line = document.line
        causeLines = error.causes.map { document.line(of: $0.field) }
    }
}
