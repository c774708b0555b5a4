public import MicroHTTP
public import PolicyCore
import YAMLReader

/// Reads request bodies: one object (JSON or YAML), or a bundle of them.
public enum BundleReader {
    enum Format {
        case json, yaml
        /// A bundle sent as files, one per part (imports only).
        case multipart(boundary: String)
    }

    /// The body's format from its Content-Type. curl's default (`-d` sends form encoding) is sniffed:
    /// a body starting with `{` or `[` is JSON, anything else YAML.
    static func format(of request: HTTPRequest) throws(APIError) -> Format {
        let header = request.header("content-type") ?? "application/json"
        let type = header.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        switch type {
        case "", "application/json", "application/merge-patch+json": return .json
        case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "application/apply-patch+yaml": return .yaml
        case "application/x-www-form-urlencoded": return sniff(request.body[...])
        case "multipart/form-data", "multipart/mixed":
            return .multipart(boundary: try MultipartBody.boundary(inContentType: header))
        default: throw APIError.unsupportedMediaType(type)
        }
    }

    /// JSON when the first byte that is not white space is `{` or `[`, else YAML.
    static func sniff(_ bytes: ArraySlice<UInt8>) -> Format {
        let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[") ? .json : .yaml
    }

    static func text(_ bytes: some Collection<UInt8>, what: String = "the request body") throws(APIError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw APIError.badRequest("\(what) is not valid UTF-8")
        }
        if text.utf8.contains(0) { throw APIError.badRequest("\(what) contains a NUL byte") }
        return text
    }

    /// A request body read as JSON: the one place a JSON syntax error becomes `400` (a stored body
    /// that does not parse is the server's fault, not the client's).
    static func json(_ body: some Collection<UInt8>, what: String = "the request body") throws(APIError) -> JSONValue {
        do {
            return try JSONParser.parse(Array(body))
        } catch {
            throw APIError.badRequest("\(what) is not valid JSON: \(error)")
        }
    }

    /// The single object in a write request's body.
    public static func object(from request: HTTPRequest) throws -> JSONValue {
        if case .multipart = try format(of: request) {
            throw APIError.unsupportedMediaType("multipart (only /v1/import takes files)")
        }
        let documents = try documents(from: request)
        guard documents.count == 1 else {
            throw APIError.badRequest("expected one object in the request body, found \(documents.count)")
        }
        return documents[0].value
    }

    /// Every document of a bundle, `List`s flattened, each with where it came from.
    /// - Throws: ``APIError`` for a body of the wrong type or encoding, `YAMLReadError` for YAML that does not read.
    public static func documents(from request: HTTPRequest) throws -> [BundleDocument] {
        var raw: [BundleDocument] = []
        switch try format(of: request) {
        case .json:
            raw = try jsonDocuments(request.body[...], source: nil)
        case .yaml:
            raw = try YAMLCodec.documents(try text(request.body)).documents
        case .multipart(let boundary):
            // One budget of YAML nodes for all the files, as for one stream.
            var nodes = 0
            for (number, part) in try MultipartBody.parts(request.body, boundary: boundary).enumerated() {
                let source = part.filename ?? "part \(number)"
                switch try format(of: part, source: source) {
                case .json:
                    raw += try jsonDocuments(part.body, source: source)
                case .yaml:
                    let text = try text(part.body, what: source)
                    do {
                        let read = try YAMLCodec.documents(text, source: source, nodesBefore: nodes)
                        raw += read.documents
                        nodes = read.nodes
                    } catch {
                        throw APIError.badRequest("\(source): \(error.status.message)")
                    }
                case .multipart:
                    throw APIError.unsupportedMediaType("multipart inside multipart (\(source))")
                }
            }
        }
        return try flattened(raw)
    }

    /// A part's format: its Content-Type when that names JSON or YAML, else its file name's
    /// extension, else what its first byte says.
    static func format(of part: MultipartBody.Part, source: String) throws(APIError) -> Format {
        switch part.contentType {
        case "application/json": return .json
        case "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml": return .yaml
        case nil, "application/octet-stream", "text/plain": break
        case let other?: throw APIError.unsupportedMediaType("\(other) (\(source))")
        }
        let name = source.lowercased()
        if name.hasSuffix(".json") { return .json }
        if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return .yaml }
        return sniff(part.body)
    }

    /// A JSON body or file: one document (none when it is only white space). JSON carries no line numbers.
    static func jsonDocuments(_ bytes: ArraySlice<UInt8>, source: String?) throws(APIError) -> [BundleDocument] {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { return [] }
        let value = try json(bytes, what: source ?? "the request body")
        return [BundleDocument(location: DocumentLocation(source: source, index: 0, line: 0), value: value)]
    }

    /// Empty documents dropped and every `List` replaced by its items, which keep the List's
    /// location with their item index and their own lines (the List's table of field lines, shared).
    static func flattened(_ raw: [BundleDocument]) throws(APIError) -> [BundleDocument] {
        var flattened: [BundleDocument] = []
        for document in raw where !document.value.isNull {
            guard document.value["kind"]?.stringValue == "List" else {
                flattened.append(document)
                continue
            }
            guard let items = document.value["items"]?.arrayValue else {
                throw APIError.badRequest("\(document.location.withLine): a List needs an items array")
            }
            for (offset, item) in items.enumerated() {
                let prefix = "items[\(offset)]"
                var location = document.location
                location.item = offset
                location.line = document.fieldLines[prefix] ?? document.line
                flattened.append(
                    BundleDocument(location: location, value: item, fieldLines: document.fieldLines, fieldPrefix: prefix))
            }
        }
        return flattened
    }

    /// Validates every document and sets aside those of kinds that cannot change a decision
    /// (``DocumentKinds``); the first invalid document fails the whole bundle, naming where it is.
    /// - Parameter defaultNamespace: the request's `namespace`: for documents that name none, and
    ///   a document that names another is refused, as kubectl refuses it.
    /// - Parameter fieldValidation: as for a single object (`Warn` and `Ignore` leave unknown fields out).
    /// - Throws: ``InvalidDocument``; ``APIError`` (400) for a document in another namespace.
    public static func decode(
        _ documents: [BundleDocument], defaultNamespace: String?, fieldValidation: FieldValidation = .strict
    ) throws -> DecodedBundle {
        var bundle = DecodedBundle()
        for document in documents {
            let metadata = document.value["metadata"]
            let namespace = metadata?["namespace"]?.stringValue ?? ""
            if let defaultNamespace, !namespace.isEmpty, namespace != defaultNamespace {
                throw APIError.badRequest(
                    "\(document.location.withLine): the namespace from the provided object \"\(namespace)\" does not match "
                        + "the namespace \"\(defaultNamespace)\" given with -n (namespace=\(defaultNamespace)); "
                        + "drop one of them")
            }
            if let apiVersion = document.value["apiVersion"]?.stringValue, let kind = document.value["kind"]?.stringValue,
                let skip = DocumentKinds.skip(apiVersion: apiVersion, kind: kind)
            {
                // Read no further than the metadata: a Secret's data is never looked at.
                if let metadata, !metadata.isNull, metadata.objectValue == nil {
                    let error = ValidationError(
                        kind: kind, name: "", causes: [.typeInvalid("metadata", expected: "object", got: metadata)])
                    throw InvalidDocument(error, in: document)
                }
                bundle.skipped.append(
                    SkippedObject(
                        kind: kind, apiVersion: apiVersion, namespace: namespace,
                        name: metadata?["name"]?.stringValue ?? metadata?["generateName"]?.stringValue ?? "", skip: skip,
                        location: document.location))
                continue
            }
            do {
                bundle.objects.append(
                    try ObjectDecoder.decode(document.value, defaultNamespace: defaultNamespace, fieldValidation: fieldValidation)
                )
                bundle.locations.append(document.location)
            } catch {
                throw InvalidDocument(error, in: document)
            }
        }
        return bundle
    }
}

/// A bundle after validation: the objects to store, where each came from, and what was skipped.
public struct DecodedBundle: Sendable {
    public var objects: [DecodedObject] = []
    /// Where each of `objects` came from, in the same order.
    public var locations: [DocumentLocation] = []
    public var skipped: [SkippedObject] = []
}

/// A document of a kind that cannot change a decision: reported, never stored.
public struct SkippedObject: Sendable, Hashable {
    public var kind: String
    public var apiVersion: String
    /// The namespace the document names; empty when it names none.
    public var namespace: String
    public var name: String
    public var skip: DocumentKinds.Skip
    public var location: DocumentLocation
}

/// A document of a bundle that failed validation: the `ValidationError`, and where the document
/// and each of its faulty fields are.
public struct InvalidDocument: Error, Sendable {
    public let error: ValidationError
    public let location: DocumentLocation
    /// The line of each cause's field, in the order of `error.causes` (0 when unknown).
    public let causeLines: [Int]

    init(_ error: ValidationError, in document: BundleDocument) {
        self.error = error
        location = document.location
        causeLines = error.causes.map { document.line(of: $0.field) }
    }
}
