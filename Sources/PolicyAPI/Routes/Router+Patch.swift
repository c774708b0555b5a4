import MicroHTTP
import PolicyCore
import PolicyStore

/// The patch types an object path takes, by `Content-Type`.
enum PatchType: String, CaseIterable {
    case json = "application/json-patch+json"
    case merge = "application/merge-patch+json"
    case strategic = "application/strategic-merge-patch+json"
    case apply = "application/apply-patch+yaml"

    /// The types a kind takes, in the order the API server lists them: strategic merge only for
    /// the kinds with Go types (``PatchSchema/of(_:)``), as for custom resources upstream.
    static func accepted(for kind: ResourceKind) -> [PatchType] {
        PatchSchema.of(kind) == nil ? [.json, .merge, .apply] : [.json, .merge, .strategic, .apply]
    }
}

extension Router {
    /// How many times a patch is applied again when another write changed the object in between.
    static let patchAttempts = 5

    /// `PATCH` of an object: the patch is applied to the stored object, and the result is
    /// validated and stored as a `PUT` of it would be, expecting the resourceVersion it was
    /// computed from (a concurrent write makes it start again from the new object; a patch that
    /// sets `metadata.resourceVersion` must name the stored one). An apply creates a missing object.
    func patch(_ request: HTTPRequest, _ target: ResourcePath, _ key: ObjectKey) throws -> HTTPResponse {
        let mediaType =
            (request.header("content-type") ?? "").split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        let accepted = PatchType.accepted(for: key.kind)
        guard let type = PatchType(rawValue: mediaType), accepted.contains(type) else {
            throw APIError(
                code: 415, reason: "UnsupportedMediaType",
                message: "the body of the request was in an unknown format - accepted media types include: "
                    + accepted.map(\.rawValue).joined(separator: ", "))
        }
        let options = try WriteOptions(request, .patch, apply: type == .apply)
        let document: JSONValue
        switch type {
        case .apply:
            let documents = try BundleReader.documents(from: request)
            guard documents.count == 1 else {
                throw APIError.badRequest("error decoding patch: expected one object, found \(documents.count)")
            }
            document = documents[0].value
        default:
            document = try BundleReader.json(request.body, what: "the patch")
        }
        let jsonPatch = type == .json ? try JSONPatch(document) : nil
        if type != .json, document.objectValue == nil {
            throw APIError.badRequest("the patch must be a JSON object, got \(document.typeName)")
        }
        for attempt in 1...Self.patchAttempts {
            let stored: StoredRecord?
            do {
                stored = try service.get(key)
            } catch ServiceError.notFound(_) where type == .apply {
                stored = nil
            }
            var patched: JSONValue
            switch type {
            case .json: patched = try jsonPatch!.apply(to: stored!.body)
            case .merge: patched = JSONMergePatch.apply(document, to: stored!.body)
            case .strategic:
                patched = try StrategicMergePatch.apply(document, to: stored!.body, schema: PatchSchema.of(key.kind)!)
            case .apply:
                patched = try applied(document, to: stored, key: key, manager: options.fieldManager ?? "")
            }
            try checkIdentity(patched, key: key, stored: stored)
            if let stored, patched["metadata"]?["namespace"] == nil, key.kind.isNamespaced {
                patched["metadata"]?["namespace"] = .string(stored.key.namespace)
            }
            let object = try decodeWrite(
                patched, target, fieldValidation: options.fieldValidation, verb: .patch, apply: type == .apply)
            let record: StoredRecord
            let created: Bool
            do {
                if let stored {
                    let expected = try expectedResourceVersion(object.body) ?? stored.resourceVersion
                    (record, created) = try service.replace(object, expectedResourceVersion: expected, dryRun: options.dryRun)
                } else {
                    (record, created) = (try service.create(object, dryRun: options.dryRun), true)
                }
            } catch ServiceError.conflict(_) where attempt < Self.patchAttempts {
                // Another write came first: again from the new object, unless the patch itself
                // named a resourceVersion other than the stored one.
                if let stored, let named = try expectedResourceVersion(object.body), named != stored.resourceVersion {
                    throw ServiceError.conflict(key)
                }
                continue
            } catch ServiceError.alreadyExists(_) where stored == nil && attempt < Self.patchAttempts {
                continue
            } catch ServiceError.notFound(let missing) where missing == key && type == .apply && attempt < Self.patchAttempts {
                continue
            }
            var response = HTTPResponse.json(record.body, status: created ? 201 : 200)
            response.headers += writeWarnings(object, fieldValidation: options.fieldValidation, dryRun: options.dryRun)
            return response
        }
        throw ServiceError.conflict(key)
    }

    /// An apply's result: the configuration (its identity defaulted from the URL) applied to the
    /// stored object, or the new object.
    private func applied(_ configuration: JSONValue, to stored: StoredRecord?, key: ObjectKey, manager: String) throws
        -> JSONValue
    {
        var configuration = configuration
        if configuration["apiVersion"] == nil { configuration["apiVersion"] = .string(key.kind.apiVersion) }
        if configuration["kind"] == nil { configuration["kind"] = .string(key.kind.kind) }
        var metadata = configuration["metadata"]?.objectValue ?? [:]
        if metadata["name"] == nil { metadata["name"] = .string(key.name) }
        if key.kind.isNamespaced, metadata["namespace"] == nil { metadata["namespace"] = .string(key.namespace) }
        if configuration["metadata"] == nil || configuration["metadata"]?.objectValue != nil {
            configuration["metadata"] = .object(metadata)
        }
        if stored == nil, let uid = metadata["uid"]?.stringValue, !uid.isEmpty {
            throw APIError(
                code: 409, reason: "Conflict",
                message: "Operation cannot be fulfilled on \(key.kind.plural) \"\(key.name)\": uid mismatch: the provided "
                    + "object specified uid \(uid), and no existing object was found",
                kind: key.kind.kind, name: key.name)
        }
        let schema = PatchSchema.of(key.kind) ?? .object(["metadata": PatchSchema.objectMeta])
        return ServerSideApply(manager: manager, schema: schema).apply(configuration, to: stored?.body, time: RFC3339.now())
    }

    /// A patch may not change what the URL names: its kind, name or namespace (`422`); nor the
    /// uid (`409`, a failed precondition, as the API server answers).
    private func checkIdentity(_ patched: JSONValue, key: ObjectKey, stored: StoredRecord?) throws {
        guard case .object = patched else {
            throw APIError.invalid(
                "the patched object must be a JSON object, got \(patched.typeName)",
                causes: [.typeInvalid("", expected: "object", got: patched)])
        }
        var causes: [FieldError] = []
        let apiVersion = patched["apiVersion"]?.stringValue ?? ""
        let kind = patched["kind"]?.stringValue ?? ""
        if ResourceKind(apiVersion: apiVersion, kind: kind) != key.kind {
            causes.append(
                .invalid(
                    "kind",
                    "a patch may not change the kind: \(kind) (\(apiVersion)), the URL is for \(key.kind.kind) (\(key.kind.apiVersion))"
                ))
        }
        let name = patched["metadata"]?["name"]?.stringValue ?? ""
        if name != key.name {
            causes.append(
                .invalid("metadata.name", "\"\(name)\": a patch may not change the name (the URL names \"\(key.name)\")"))
        }
        if key.kind.isNamespaced, let namespace = patched["metadata"]?["namespace"]?.stringValue, !namespace.isEmpty,
            namespace != key.namespace
        {
            causes.append(
                .invalid(
                    "metadata.namespace",
                    "\"\(namespace)\": a patch may not change the namespace (the URL names \"\(key.namespace)\")"))
        }
        if !causes.isEmpty {
            throw APIError(
                code: 422, reason: "Invalid",
                message: "\(key.kind.kind) \"\(key.name)\" is invalid: " + causes.map(\.description).joined(separator: ", "),
                kind: key.kind.kind, name: key.name, causes: causes)
        }
        if let stored, let uid = patched["metadata"]?["uid"]?.stringValue, !uid.isEmpty, uid != stored.uid {
            throw APIError(
                code: 409, reason: "Conflict",
                message: "Operation cannot be fulfilled on \(key.kind.plural) \"\(key.name)\": Precondition failed: "
                    + "UID in precondition: \(uid), UID in object meta: \(stored.uid)",
                kind: key.kind.kind, name: key.name)
        }
    }
}
