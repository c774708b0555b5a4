/// Turns one JSON document into a validated, defaulted ``DecodedObject``, reporting every problem at once.
public enum ObjectDecoder {
    /// Metadata fields the server owns; a client may send them back (as in an export) and they are replaced.
    public static let serverSetMetadata = [
        "uid", "resourceVersion", "creationTimestamp", "generation", "selfLink", "managedFields",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]
    static let knownMetadata =
        ["name", "generateName", "namespace", "labels", "annotations", "ownerReferences", "finalizers"]
        + serverSetMetadata

    /// Decodes a document of any stored kind.
    /// - Parameter defaultNamespace: the namespace for a namespaced object whose metadata names none.
    /// - Parameter fieldValidation: what to do with fields no decoder knows: refuse them (`strict`,
    ///   each a `FieldValueUnknown` cause), or leave them out of the body (listed in ``DecodedObject/unknownFields``).
    /// - Throws: ``ValidationError`` listing every cause.
    public static func decode(
        _ document: JSONValue, defaultNamespace: String? = nil, fieldValidation: FieldValidation = .strict
    ) throws(ValidationError) -> DecodedObject {
        let errors = FieldErrors(dropsUnknownFields: fieldValidation != .strict)
        var decoded = try decode(document, defaultNamespace: defaultNamespace, errors: errors)
        if !errors.dropped.isEmpty { decoded.removeUnknownFields(errors.dropped) }
        return decoded
    }

    private static func decode(_ document: JSONValue, defaultNamespace: String?, errors: FieldErrors) throws(ValidationError)
        -> DecodedObject
    {
        guard let root = FieldReader(document, at: "", errors: errors) else {
            throw ValidationError(
                kind: "", name: "",
                causes: [.typeInvalid("", expected: "object", got: document)])
        }
        let apiVersion = root.string("apiVersion")
        let kindName = root.string("kind")
        let name = FieldReader(root.members["metadata"], at: "metadata", errors: FieldErrors())?.string("name") ?? ""
        guard let apiVersion, let kindName else {
            var causes = errors.causes
            if !root.has("apiVersion") { causes.append(.required("apiVersion")) }
            if !root.has("kind") { causes.append(.required("kind")) }
            throw ValidationError(kind: kindName ?? "", name: name, causes: causes)
        }
        if CalicoV1Converter.isV1Policy(apiVersion: apiVersion, kind: kindName) {
            let converted = CalicoV1Converter.convert(document, errors: errors)
            if !errors.isEmpty { throw ValidationError(kind: "policy", name: name, causes: errors.causes) }
            // The same collector: unknown fields of the v1 document and of its conversion are both left out.
            var decoded = try decode(converted, defaultNamespace: nil, errors: errors)
            decoded.convertedFrom = "policy (v1)"
            return decoded
        }
        guard let kind = ResourceKind(apiVersion: apiVersion, kind: kindName) else {
            throw ValidationError(kind: kindName, name: name, causes: [unsupportedKind(apiVersion: apiVersion, kind: kindName)])
        }
        var body = document.removingNullMembers
        let key = readMetadata(root, kind: kind, defaultNamespace: defaultNamespace, body: &body)
        let model: DecodedObject.Model
        switch kind {
        case .namespace:
            root.rejectUnknown(["apiVersion", "kind", "metadata", "spec", "status"])
            _ = root.object("spec")
            _ = root.object("status")
            var labels = FieldReader(body["metadata"], at: "metadata", errors: FieldErrors())?.stringMap("labels") ?? [:]
            // The API server sets this label on every namespace and nobody may change it.
            labels[Namespace.nameLabel] = key.name
            body["metadata"]?["labels"] = .stringMap(labels)
            model = .namespace(Namespace(name: key.name, labels: labels))
        case .pod:
            model = .pod(PodDecoder.read(root, key: key, errors: errors))
        case .networkPolicy:
            model = .networkPolicy(NetworkPolicyDecoder.read(root, key: key, errors: errors, body: &body))
        case .globalNetworkPolicy, .calicoNetworkPolicy:
            model = .calicoPolicy(CalicoPolicyDecoder.read(root, key: key, errors: errors, body: &body))
        case .deployment, .statefulSet, .daemonSet, .replicaSet, .job, .cronJob, .replicationController:
            model = .workload(WorkloadDecoder.read(root, key: key, errors: errors))
        case .service:
            model = .service(ServiceDecoder.read(root, key: key, errors: errors))
        case .node:
            model = .node(NodeDecoder.read(root, key: key, errors: errors))
        case .tier:
            model = .tier(TierDecoder.read(root, key: key, errors: errors, body: &body))
        case .clusterNetworkPolicy, .adminNetworkPolicy, .baselineAdminNetworkPolicy:
            model = .clusterPolicy(ClusterNetworkPolicyDecoder.read(root, key: key, errors: errors, body: &body))
        case .stagedGlobalNetworkPolicy, .stagedNetworkPolicy, .stagedKubernetesNetworkPolicy:
            model = .staged(StagedPolicyDecoder.read(root, key: key, errors: errors, body: &body))
        }
        if !errors.isEmpty { throw ValidationError(kind: kind.kind, name: key.name, causes: errors.causes) }
        return DecodedObject(key: key, body: body, model: model)
    }

    static func unsupportedKind(apiVersion: String, kind: String) -> FieldError {
        if let notReadYet = DocumentKinds.notReadYetMessage(apiVersion: apiVersion, kind: kind) {
            return FieldError(
                field: "kind", reason: "FieldValueNotSupported", message: notReadYet + "; supported kinds: " + supportedList)
        }
        if let known = ResourceKind.allCases.first(where: { $0.kind == kind }) {
            return FieldError(
                field: "apiVersion", reason: "FieldValueNotSupported",
                message: "no kind \"\(kind)\" is registered for version \"\(apiVersion)\" (use \(known.apiVersion))")
        }
        return FieldError(
            field: "kind", reason: "FieldValueNotSupported",
            message: "no kind \"\(kind)\" is registered for version \"\(apiVersion)\"; supported kinds: " + supportedList)
    }

    static var supportedList: String {
        ResourceKind.allCases.map { "\($0.kind) (\($0.apiVersion))" }.joined(separator: ", ") + ", policy (v1, Calico)"
    }

    private static func readMetadata(
        _ root: FieldReader, kind: ResourceKind, defaultNamespace: String?, body: inout JSONValue
    ) -> ObjectKey {
        let errors = root.errors
        guard let metadata = root.object("metadata") else {
            errors.add(.required("metadata.name", "name is required"))
            return ObjectKey(kind: kind, namespace: defaultNamespace ?? "", name: "")
        }
        metadata.rejectUnknown(knownMetadata)
        let name = metadata.string("name") ?? ""
        if name.isEmpty {
            errors.add(.required("metadata.name", "name is required"))
        } else {
            // Namespace and tier names are labels (a tier name prefixes policy names); others subdomains.
            let problem =
                switch kind {
                case .namespace: NameRules.dns1123LabelProblem(name)
                case .tier: NameRules.tierNameProblem(name)
                default: NameRules.dns1123SubdomainProblem(name)
                }
            if let problem { errors.add(.invalid("metadata.name", "\"\(name)\": \(problem)")) }
        }
        var namespace = ""
        if kind.isNamespaced {
            namespace = metadata.string("namespace") ?? ""
            if namespace.isEmpty { namespace = defaultNamespace ?? "default" }
            if let problem = NameRules.dns1123LabelProblem(namespace) {
                errors.add(.invalid("metadata.namespace", "\"\(namespace)\": \(problem)"))
            }
            body["metadata"]?["namespace"] = .string(namespace)
        } else if metadata.has("namespace"), let given = metadata.string("namespace"), !given.isEmpty {
            errors.add(.forbidden("metadata.namespace", "not allowed on this type: \(kind.kind) is cluster-scoped"))
        }
        if let labels = metadata.stringMap("labels") {
            NameRules.validateLabels(labels, at: "metadata.labels", errors: errors)
        }
        // The API server stores these with `omitempty`: an empty one is no field at all (else
        // `kubectl diff` of an unchanged object shows `annotations: {}`).
        if var members = body["metadata"]?.objectValue {
            for field in ["labels", "annotations", "finalizers", "ownerReferences"]
            where members[field] == .object([:]) || members[field] == .array([]) {
                members[field] = nil
            }
            body["metadata"] = .object(members)
        }
        if let annotations = metadata.stringMap("annotations") {
            for key in annotations.keys.sorted() {
                if let problem = NameRules.labelKeyProblem(key) {
                    errors.add(.invalid("metadata.annotations", "\"\(key)\": \(problem)"))
                }
            }
        }
        return ObjectKey(kind: kind, namespace: namespace, name: name)
    }
}
