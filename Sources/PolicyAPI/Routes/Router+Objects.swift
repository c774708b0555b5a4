import Logging
import MicroHTTP
import PolicyCore
import PolicyStore

extension Router {
    func handleResource(_ request: HTTPRequest, _ target: ResourcePath) throws -> HTTPResponse {
        let kind = target.kind
        guard let name = target.name else {
            switch request.method {
            case "GET": return try Self.wantsWatch(request) ? watch(request, target) : list(request, target)
            case "POST":
                if kind.isNamespaced, target.namespace == nil {
                    throw APIError.methodNotAllowed("POST", request.path + " (name a namespace: /namespaces/{ns}/\(kind.plural))")
                }
                let options = try WriteOptions(request, .create)
                let object = try decodeBody(request, target, pathName: nil, options: options)
                let record = try service.create(object, dryRun: options.dryRun)
                return withFindings(.json(record.body, status: 201), about: object, options)
            default: throw APIError.methodNotAllowed(request.method, request.path)
            }
        }
        let key = ObjectKey(kind: kind, namespace: target.namespace ?? "", name: name)
        switch request.method {
        case "GET": return try presentObject(request, kind, try service.get(key).body)
        case "PUT":
            let options = try WriteOptions(request, .update)
            let object = try decodeBody(request, target, pathName: name, options: options)
            let expected = try expectedResourceVersion(object.body)
            let (record, created) = try service.replace(object, expectedResourceVersion: expected, dryRun: options.dryRun)
            return withFindings(.json(record.body, status: created ? 201 : 200), about: object, options)
        case "PATCH": return try patch(request, target, key)
        case "DELETE":
            let options = try DeleteOptions(request)
            let deletion = try service.delete(key, dryRun: options.dryRun, precondition: options.check)
            guard kind == .namespace else { return .json(deletion.record.body) }
            let status = Self.namespaceDeleted(deletion)
            if options.dryRun { return .json(status) }
            // The request line alone would not say that a namespace took its contents with it.
            logger.info("\(status["message"]?.stringValue ?? "")", metadata: ["revision": "\(deletion.revision)"])
            return .json(status)
        default: throw APIError.methodNotAllowed(request.method, request.path)
        }
    }

    /// A written policy's findings, as `Warning` headers (the body is the object, as Kubernetes answers).
    private func withFindings(_ response: HTTPResponse, about object: DecodedObject, _ options: WriteOptions) -> HTTPResponse {
        var response = response
        response.headers += writeWarnings(object, fieldValidation: options.fieldValidation, dryRun: options.dryRun)
        return response
    }

    /// The answer to deleting a namespace: a Kubernetes success `Status` (what the API server answers
    /// for an object it deletes at once), whose causes count what went with the namespace, by resource.
    static func namespaceDeleted(_ deletion: PolicyService.Deletion) -> JSONValue {
        let metadata = deletion.record.body["metadata"]
        let name = metadata?["name"]?.stringValue ?? ""
        var counted: [(resource: String, count: Int)] = [("namespaces", 1)]
        for kind in ResourceKind.allCases.sorted() {
            guard let count = deletion.contents[kind], count > 0 else { continue }
            counted.append((kind.group.isEmpty ? kind.plural : "\(kind.plural).\(kind.group)", count))
        }
        let inside = counted.dropFirst().map { "\($0.count) \($0.resource)" }
        var details: [String: JSONValue] = [
            "name": .string(name), "kind": .string("namespaces"),
            "causes": .array(
                counted.map {
                    .object([
                        "reason": .string("Deleted"), "field": .string($0.resource), "message": .string("\($0.count) deleted"),
                    ])
                }),
        ]
        if let uid = metadata?["uid"]?.stringValue { details["uid"] = .string(uid) }
        return .object([
            "kind": .string("Status"), "apiVersion": .string("v1"),
            "metadata": .object(["resourceVersion": .string(String(deletion.revision))]),
            "status": .string("Success"), "code": .integer(200),
            "message": .string(
                "namespace \"\(name)\" deleted" + (inside.isEmpty ? " (it was empty)" : " with \(inside.joined(separator: ", "))")
            ),
            "details": .object(details),
        ])
    }

    /// Decodes and validates a write body; the path's namespace and name win, and a body naming others is refused.
    private func decodeBody(_ request: HTTPRequest, _ target: ResourcePath, pathName: String?, options: WriteOptions) throws
        -> DecodedObject
    {
        var document = try BundleReader.object(from: request)
        guard case .object = document else { throw APIError.badRequest("the request body must be an object") }
        if document["apiVersion"] == nil { document["apiVersion"] = .string(target.kind.apiVersion) }
        if document["kind"] == nil { document["kind"] = .string(target.kind.kind) }
        if let kind = document["kind"]?.stringValue, let apiVersion = document["apiVersion"]?.stringValue,
            ResourceKind(apiVersion: apiVersion, kind: kind) != target.kind
        {
            throw APIError.badRequest(
                "the body is a \(kind) (\(apiVersion)) but the URL is for \(target.kind.kind) (\(target.kind.apiVersion))")
        }
        var metadata = document["metadata"]?.objectValue ?? [:]
        if let namespace = target.namespace {
            if let given = metadata["namespace"]?.stringValue, !given.isEmpty, given != namespace {
                throw APIError.badRequest(
                    "the namespace of the provided object (\(given)) does not match the namespace sent on the request (\(namespace))"
                )
            }
            metadata["namespace"] = .string(namespace)
        }
        if let pathName {
            if let given = metadata["name"]?.stringValue, !given.isEmpty, given != pathName {
                throw APIError.badRequest("the name of the object (\(given)) does not match the name on the URL (\(pathName))")
            }
            metadata["name"] = .string(pathName)
        }
        if document["metadata"] == nil || document["metadata"]!.objectValue != nil {
            document["metadata"] = .object(metadata)
        }
        return try decodeWrite(
            document, target, fieldValidation: options.fieldValidation, verb: pathName == nil ? .create : .update,
            asAPIServer: options.fieldValidationGiven)
    }

    /// The resourceVersion the client last saw, from the decoded body (the decoder keeps the field).
    func expectedResourceVersion(_ document: JSONValue) throws -> Int64? {
        guard let text = document["metadata"]?["resourceVersion"]?.stringValue, !text.isEmpty else { return nil }
        guard let value = Int64(text) else {
            throw APIError.invalidField("metadata.resourceVersion", "\"\(text)\": must be a resourceVersion this server issued")
        }
        return value
    }

    private func list(_ request: HTTPRequest, _ target: ResourcePath) throws -> HTTPResponse {
        var query: LabelQuery?
        if let text = request.query["labelSelector"] {
            do {
                query = try LabelQuery(text)
            } catch {
                // A parameter, not a field of an object: Kubernetes answers 400 here, not 422.
                throw APIError.badRequest("unable to parse requirement: \(error.message)", causes: [error])
            }
        }
        var limit = Int.max
        if let text = request.query["limit"], !text.isEmpty {
            guard let parsed = Int(text), parsed >= 0 else { throw APIError.badRequest("limit must be a non-negative integer") }
            if parsed > 0 { limit = parsed }
        }
        var after: (namespace: String, name: String)?
        if let token = request.query["continue"], !token.isEmpty {
            guard let decoded = ContinueToken.decode(token) else { throw APIError.badRequest("invalid continue token") }
            after = decoded
        }
        let fields = try FieldQuery.parse(request.query["fieldSelector"])
        let (revision, records) = try service.repository.list(target.kind, namespace: target.namespace, after: after)
        var items: [JSONValue] = []
        var next: String?
        for record in records {
            let labels = record.body["metadata"]?["labels"]?.stringMap ?? [:]
            guard query?.matches(labels) ?? true,
                fields?.matches(namespace: record.key.namespace, name: record.key.name) ?? true
            else { continue }
            if items.count == limit {
                let last = items.last!["metadata"]!
                next = ContinueToken.encode(
                    namespace: last["namespace"]?.stringValue ?? "", name: last["name"]?.stringValue ?? "")
                break
            }
            items.append(record.body)
        }
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(revision))]
        if let next { metadata["continue"] = .string(next) }
        return try presentList(
            request, target.kind,
            .object([
                "kind": .string(target.kind.kind + "List"), "apiVersion": .string(target.kind.apiVersion),
                "metadata": .object(metadata), "items": .array(items),
            ]))
    }
}

/// An opaque list position: the hex of `namespace NUL name`.
enum ContinueToken {
    private static let digits = Hex.digits

    static func encode(namespace: String, name: String) -> String {
        Hex.string(Array(namespace.utf8) + [0] + Array(name.utf8))
    }

    static func decode(_ token: String) -> (namespace: String, name: String)? {
        let chars = Array(token.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var index = 0
        while index < chars.count {
            guard let high = digits.firstIndex(of: chars[index]), let low = digits.firstIndex(of: chars[index + 1]) else {
                return nil
            }
            bytes.append(UInt8(high << 4 | low))
            index += 2
        }
        guard let split = bytes.firstIndex(of: 0) else { return nil }
        return (String(decoding: bytes[..<split], as: UTF8.self), String(decoding: bytes[(split + 1)...], as: UTF8.self))
    }
}
