import PolicyCore

/// The OpenAPI v3 documents the Kubernetes API server publishes under `/openapi/v3`, for kubectl:
/// an index of group versions, and per group version its paths and schemas.
///
/// kubectl (1.27+) reads them to decide how to validate what it sends: when the PATCH operation
/// of a kind declares the `fieldValidation` query parameter, it skips its client-side schema
/// check (which would download `/openapi/v2`) and sends `?fieldValidation=Strict` instead; netpold
/// refuses unknown fields itself, naming them. So the schemas here may stay permissive
/// (`x-kubernetes-preserve-unknown-fields`). PATCH bodies list no strategic merge patch, whose
/// merge keys these schemas do not carry: `kubectl apply` then computes its patches from its
/// own types, or as JSON merge patches for kinds it does not know.
enum KubernetesOpenAPI {
    /// Every group version's document, encoded once: `api/v1` or `apis/{group}/{version}` to bytes.
    static let documents: [String: [UInt8]] = {
        var documents: [String: [UInt8]] = [:]
        for groupVersion in APIDiscovery.groupVersions {
            documents[groupVersion.path] = JSONWriter.bytes(document(groupVersion))
        }
        return documents
    }()

    /// `GET /openapi/v3`: where each group version's document is, with a hash of its content (kubectl
    /// caches a document by its URL).
    static let index: [UInt8] = {
        var paths: [String: JSONValue] = [:]
        for (path, bytes) in documents {
            paths[path] = .object(["serverRelativeURL": .string("/openapi/v3/\(path)?hash=\(hash(bytes))")])
        }
        return JSONWriter.bytes(.object(["paths": .object(paths)]))
    }()

    /// FNV-1a, 64 bits, as 16 upper-case hex digits: enough to tell two documents apart.
    static func hash(_ bytes: [UInt8]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01b3
        }
        let digits = Array("0123456789ABCDEF")
        return String((0..<16).map { digits[Int((value >> UInt64(60 - $0 * 4)) & 0xf)] })
    }

    /// The name of a kind's schema, as the API server names them: `io.k8s.api.core.v1.Pod`,
    /// `io.k8s.api.networking.v1.NetworkPolicy`, and for the others the group reversed
    /// (`org.projectcalico.v3.GlobalNetworkPolicy`).
    static func schemaName(_ kind: ResourceKind, list: Bool = false) -> String {
        let suffix = "\(kind.version).\(kind.kind)\(list ? "List" : "")"
        if kind.isBuiltIn {
            let group = kind.group.isEmpty ? "core" : String(kind.group.split(separator: ".").first!)
            return "io.k8s.api.\(group).\(suffix)"
        }
        return kind.group.split(separator: ".").reversed().joined(separator: ".") + "." + suffix
    }

    private static let objectMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
    private static let listMeta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
    private static let status = "io.k8s.apimachinery.pkg.apis.meta.v1.Status"
    private static let patch = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch"

    private static func reference(_ name: String) -> JSONValue { .object(["$ref": .string("#/components/schemas/\(name)")]) }

    private static func jsonContent(_ schema: JSONValue) -> JSONValue {
        .object(["application/json": .object(["schema": schema]), "application/yaml": .object(["schema": schema])])
    }

    private static func queryParameter(_ name: String, _ description: String, type: String = "string") -> JSONValue {
        .object([
            "name": .string(name), "in": "query", "description": .string(description),
            "schema": .object(["type": .string(type), "uniqueItems": .bool(true)]),
        ])
    }

    private static let dryRun = queryParameter(
        "dryRun", "When present (All), the request is validated and answered, but nothing is stored.")
    private static let fieldManager = queryParameter("fieldManager", "Accepted and ignored: netpold keeps no managed fields.")
    private static let fieldValidation = queryParameter(
        "fieldValidation",
        "Ignore, Warn or Strict. netpold refuses unknown fields whatever the value; with Strict the answer is 400 BadRequest "
            + "naming them (`strict decoding error: unknown field \"spec.x\"`), as the API server words it.")
    private static let listParameters: [JSONValue] = [
        queryParameter("labelSelector", "Only the objects whose labels match."),
        queryParameter("limit", "The most objects to answer with; the rest follow with `continue`.", type: "integer"),
        queryParameter("continue", "The token a previous, limited answer gave."),
        queryParameter("watch", "Stream the changes to the objects instead of listing them.", type: "boolean"),
        queryParameter("resourceVersion", "With watch: the revision to stream changes after."),
    ]

    private static func pathParameter(_ name: String) -> JSONValue {
        .object([
            "name": .string(name), "in": "path", "required": .bool(true), "description": .string("the \(name) of the object"),
            "schema": .object(["type": "string", "uniqueItems": .bool(true)]),
        ])
    }

    private static func operation(
        _ kind: ResourceKind, action: String, id: String, parameters: [JSONValue], body: JSONValue? = nil,
        responses: [(code: String, schema: String)]
    ) -> JSONValue {
        var answers: [String: JSONValue] = ["401": .object(["description": "Unauthorized"])]
        for (code, schema) in responses {
            answers[code] = .object(["description": code == "201" ? "Created" : "OK", "content": jsonContent(reference(schema))])
        }
        var members: [String: JSONValue] = [
            "operationId": .string(id), "tags": .array([.string(kind.apiVersion)]),
            "description": .string("\(action) \(kind.kind)"), "parameters": .array(parameters),
            "responses": .object(answers), "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": .object([
                "group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind),
            ]),
        ]
        if let body { members["requestBody"] = body }
        return .object(members)
    }

    /// The paths of one kind: its collection (in a namespace, for namespaced kinds), its objects and,
    /// for namespaced kinds, the list across namespaces.
    private static func paths(_ kind: ResourceKind) -> [String: JSONValue] {
        let prefix = "/" + APIDiscovery.GroupVersion(group: kind.group, version: kind.version).path
        let scope = kind.isNamespaced ? "/namespaces/{namespace}" : ""
        let scoped = kind.isNamespaced ? "Namespaced" : ""
        let name = kind.kind
        let object = schemaName(kind)
        let list = schemaName(kind, list: true)
        let writeBody: JSONValue = .object(["required": .bool(true), "content": jsonContent(reference(object))])
        let patchBody: JSONValue = .object([
            "required": .bool(true),
            "content": .object(
                Dictionary(
                    uniqueKeysWithValues: [
                        "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml",
                    ]
                    .map { ($0, JSONValue.object(["schema": reference(patch)])) })),
        ])
        var scopeParameters: [JSONValue] = []
        if kind.isNamespaced { scopeParameters.append(pathParameter("namespace")) }
        var paths: [String: JSONValue] = [:]
        paths[prefix + scope + "/" + kind.plural] = .object([
            "parameters": .array(scopeParameters),
            "get": operation(
                kind, action: "list", id: "list\(scoped)\(name)", parameters: listParameters, responses: [("200", list)]),
            "post": operation(
                kind, action: "post", id: "create\(scoped)\(name)", parameters: [dryRun, fieldManager, fieldValidation],
                body: writeBody, responses: [("200", object), ("201", object)]),
        ])
        paths[prefix + scope + "/" + kind.plural + "/{name}"] = .object([
            "parameters": .array(scopeParameters + [pathParameter("name")]),
            "get": operation(kind, action: "get", id: "read\(scoped)\(name)", parameters: [], responses: [("200", object)]),
            "put": operation(
                kind, action: "put", id: "replace\(scoped)\(name)", parameters: [dryRun, fieldManager, fieldValidation],
                body: writeBody, responses: [("200", object), ("201", object)]),
            "patch": operation(
                kind, action: "patch", id: "patch\(scoped)\(name)",
                parameters: [
                    dryRun, fieldManager, fieldValidation, queryParameter("force", "For apply patches.", type: "boolean"),
                ],
                body: patchBody, responses: [("200", object), ("201", object)]),
            "delete": operation(
                kind, action: "delete", id: "delete\(scoped)\(name)", parameters: [dryRun], responses: [("200", status)]),
        ])
        if kind.isNamespaced {
            paths[prefix + "/" + kind.plural] = .object([
                "get": operation(
                    kind, action: "list", id: "list\(name)ForAllNamespaces", parameters: listParameters,
                    responses: [("200", list)])
            ])
        }
        return paths
    }

    private static func groupVersionKind(_ kind: ResourceKind, list: Bool = false) -> JSONValue {
        .array([
            .object([
                "group": .string(kind.group), "version": .string(kind.version), "kind": .string(kind.kind + (list ? "List" : "")),
            ])
        ])
    }

    private static let openObject: JSONValue = .object(["type": "object", "x-kubernetes-preserve-unknown-fields": .bool(true)])

    private static func schemas(_ kind: ResourceKind) -> [String: JSONValue] {
        let string: JSONValue = .object(["type": "string"])
        return [
            schemaName(kind): .object([
                "type": "object",
                "description": .string("A \(kind.kind) (\(kind.apiVersion)), as netpold stores it."),
                "properties": .object([
                    "apiVersion": string, "kind": string, "metadata": reference(objectMeta), "spec": openObject,
                    "status": openObject,
                ]),
                "x-kubernetes-group-version-kind": groupVersionKind(kind),
            ]),
            schemaName(kind, list: true): .object([
                "type": "object", "required": .array(["items"]),
                "properties": .object([
                    "apiVersion": string, "kind": string, "metadata": reference(listMeta),
                    "items": .object(["type": "array", "items": reference(schemaName(kind))]),
                ]),
                "x-kubernetes-group-version-kind": groupVersionKind(kind, list: true),
            ]),
        ]
    }

    private static let metaSchemas: [String: JSONValue] = {
        let string: JSONValue = .object(["type": "string"])
        let stringMap: JSONValue = .object(["type": "object", "additionalProperties": string])
        return [
            objectMeta: .object([
                "type": "object",
                "properties": .object([
                    "name": string, "generateName": string, "namespace": string, "uid": string, "resourceVersion": string,
                    "creationTimestamp": .object(["type": "string", "format": "date-time"]), "labels": stringMap,
                    "annotations": stringMap, "generation": .object(["type": "integer", "format": "int64"]),
                    "finalizers": .object(["type": "array", "items": string]),
                    "ownerReferences": .object(["type": "array", "items": openObject]),
                    "managedFields": .object(["type": "array", "items": openObject]),
                ]),
            ]),
            listMeta: .object([
                "type": "object",
                "properties": .object([
                    "resourceVersion": string, "continue": string,
                    "remainingItemCount": .object(["type": "integer", "format": "int64"]),
                ]),
            ]),
            status: .object([
                "type": "object",
                "properties": .object([
                    "apiVersion": string, "kind": string, "status": string, "message": string, "reason": string,
                    "code": .object(["type": "integer", "format": "int32"]), "details": openObject,
                    "metadata": reference(listMeta),
                ]),
                "x-kubernetes-group-version-kind": .array([.object(["group": "", "version": "v1", "kind": "Status"])]),
            ]),
            patch: .object(["type": "object", "description": "A patch: JSON patch, JSON merge patch or apply configuration."]),
        ]
    }()

    /// One group version's document.
    static func document(_ groupVersion: APIDiscovery.GroupVersion) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        var schemas = metaSchemas
        for kind in groupVersion.kinds {
            paths.merge(self.paths(kind)) { first, _ in first }
            schemas.merge(self.schemas(kind)) { first, _ in first }
        }
        return .object([
            "openapi": "3.0.0",
            "info": .object(["title": "netpold", "version": .string(groupVersion.name)]),
            "paths": .object(paths),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": .object([
                    "BearerToken": .object([
                        "type": "apiKey", "name": "authorization", "in": "header", "description": "Bearer Token authentication",
                    ])
                ]),
            ]),
            "security": .array([.object(["BearerToken": .array([])])]),
        ])
    }
}
