import MicroHTTP
import PolicyCore

/// How a GET of objects asks to be answered, from its `Accept` header: the objects as stored, a
/// `meta.k8s.io` Table (what `kubectl get` asks for: `application/json;as=Table;v=v1;g=meta.k8s.io`,
/// with v1beta1 and plain JSON as alternatives), or only the objects' metadata
/// (`as=PartialObjectMetadata` / `PartialObjectMetadataList`). The first alternative netpold can
/// give wins; a header offering none of them is `406 NotAcceptable`.
enum ObjectPresentation: Equatable {
    case objects
    /// A Table of this `meta.k8s.io` version (`v1` or `v1beta1`), with each row's object included
    /// as asked (`includeObject`).
    case table(version: String, include: IncludedObject)
    /// `PartialObjectMetadata`, or `PartialObjectMetadataList` for a list, of this version.
    case metadata(version: String)

    /// `includeObject`: what a Table row carries besides its cells.
    enum IncludedObject: String {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    static let metaVersions = ["v1", "v1beta1"]

    init(_ request: HTTPRequest, list: Bool) throws {
        guard let accept = request.headers["accept"], accept.contains("as=") else {
            self = .objects
            return
        }
        for alternative in accept.split(separator: ",") {
            let parts = alternative.split(separator: ";").map { $0.trimmingWhitespace().lowercased() }
            guard let mediaType = parts.first, ["application/json", "application/*", "*/*", "*"].contains(mediaType) else {
                continue
            }
            var parameters: [String: String] = [:]
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { String($0.trimmingWhitespace()) }
                if pair.count == 2 { parameters[pair[0]] = pair[1] }
            }
            guard let shape = parameters["as"] else {
                self = .objects
                return
            }
            guard parameters["g"] == "meta.k8s.io", let version = parameters["v"], Self.metaVersions.contains(version) else {
                continue
            }
            switch shape {
            case "table":
                let text = request.query["includeObject"] ?? ""
                guard let include = text.isEmpty ? .metadata : IncludedObject(rawValue: text) else {
                    throw APIError.badRequest(
                        "includeObject: Unsupported value: \"\(text)\": supported values: \"None\", \"Metadata\", \"Object\"")
                }
                self = .table(version: version, include: include)
                return
            case "partialobjectmetadata" where !list, "partialobjectmetadatalist" where list:
                self = .metadata(version: version)
                return
            default:
                continue
            }
        }
        throw APIError(
            code: 406, reason: "NotAcceptable",
            message: "only the following media types are accepted: application/json, "
                + "application/json;as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1beta1;g=meta.k8s.io")
    }

    /// An object's metadata as a `PartialObjectMetadata` (without `managedFields`, as the API server
    /// leaves them out of tables).
    static func partial(_ object: JSONValue, version: String) -> JSONValue {
        var metadata = object["metadata"] ?? .object([:])
        metadata["managedFields"] = nil
        return .object(["kind": "PartialObjectMetadata", "apiVersion": .string("meta.k8s.io/\(version)"), "metadata": metadata])
    }

    /// The answer to a GET of one object.
    func response(kind: ResourceKind, object: JSONValue, now: @autoclosure () -> Int64) -> HTTPResponse {
        switch self {
        case .objects:
            return .json(object)
        case .metadata(let version):
            return .json(Self.partial(object, version: version))
        case .table(let version, let include):
            var metadata: [String: JSONValue] = [:]
            if let revision = object["metadata"]?["resourceVersion"] { metadata["resourceVersion"] = revision }
            return .json(
                Self.table(kind: kind, items: [object], metadata: metadata, version: version, include: include, now: now()))
        }
    }

    /// The answer to a GET of a collection: `list` is the `{kind}List` as netpold answers it.
    func response(kind: ResourceKind, list: JSONValue, now: @autoclosure () -> Int64) -> HTTPResponse {
        let items = list["items"]?.arrayValue ?? []
        let metadata = list["metadata"]?.objectValue ?? [:]
        switch self {
        case .objects:
            return .json(list)
        case .metadata(let version):
            return .json(
                .object([
                    "kind": "PartialObjectMetadataList", "apiVersion": .string("meta.k8s.io/\(version)"),
                    "metadata": .object(metadata), "items": .array(items.map { Self.partial($0, version: version) }),
                ]))
        case .table(let version, let include):
            return .json(Self.table(kind: kind, items: items, metadata: metadata, version: version, include: include, now: now()))
        }
    }

    /// A `meta.k8s.io` Table of objects of one kind.
    static func table(
        kind: ResourceKind, items: [JSONValue], metadata: [String: JSONValue], version: String, include: IncludedObject,
        now: Int64
    ) -> JSONValue {
        let printer = TablePrinter(kind: kind, now: now)
        let rows: [JSONValue] = items.map { item in
            var row: [String: JSONValue] = ["cells": .array(printer.cells(item))]
            let conditions = printer.conditions(item)
            if !conditions.isEmpty { row["conditions"] = .array(conditions) }
            switch include {
            case .none: break
            case .metadata: row["object"] = partial(item, version: version)
            case .object: row["object"] = item
            }
            return .object(row)
        }
        return .object([
            "kind": "Table", "apiVersion": .string("meta.k8s.io/\(version)"), "metadata": .object(metadata),
            "columnDefinitions": .array(printer.columns.map(\.json)), "rows": .array(rows),
        ])
    }
}
