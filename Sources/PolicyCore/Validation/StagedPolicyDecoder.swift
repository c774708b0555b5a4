/// Reads Calico's staged policies: a `StagedGlobalNetworkPolicy` or `StagedNetworkPolicy` spec is a
/// Calico policy spec, and a `StagedKubernetesNetworkPolicy` spec a Kubernetes NetworkPolicy spec,
/// each with `stagedAction` besides; the existing decoders read the policy part.
enum StagedPolicyDecoder {
    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors, body: inout JSONValue) -> StagedPolicy {
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec"])
        var specValue = body["spec"]
        // `stagedAction` is read here; a spec that is not an object is reported by the policy's decoder.
        let spec: FieldReader? =
            if case .object? = specValue { FieldReader(specValue, at: "spec", errors: errors) } else { nil }
        var action = StagedPolicy.Action.set
        if let name = spec?.string("stagedAction") {
            if let given = StagedPolicy.Action(rawValue: name) {
                action = given
            } else {
                errors.add(.notSupported("spec.stagedAction", name, supported: StagedPolicy.Action.allCases.map(\.rawValue)))
            }
        }
        let kubernetes = key.kind == .stagedKubernetesNetworkPolicy
        let global = key.kind == .stagedGlobalNetworkPolicy
        let policy: DecodedObject.Model
        if action == .delete, let spec {
            policy = deletion(spec, key: key, kubernetes: kubernetes, global: global, errors: errors)
            // Calico drops the `types` it would default: a deletion has no directions.
            specValue?["types"] = nil
        } else if kubernetes {
            policy = .networkPolicy(
                NetworkPolicyDecoder.readSpec(
                    &specValue, namespace: key.namespace, name: key.name, extraFields: ["stagedAction"], errors: errors))
        } else {
            policy = .calicoPolicy(
                CalicoPolicyDecoder.readSpec(
                    &specValue, global: global, namespace: key.namespace, name: key.name, extraFields: ["stagedAction"],
                    errors: errors))
        }
        if specValue?["stagedAction"] == nil { specValue?["stagedAction"] = .string(action.rawValue) }
        body["spec"] = specValue
        return StagedPolicy(key: key, action: action, policy: policy)
    }

    /// A `Delete`: the policy's fields must be left empty, as Calico checks (a Calico policy's `tier`
    /// excepted, and its `types`, which Calico drops); the policy is the empty one of that name.
    private static func deletion(
        _ spec: FieldReader, key: ObjectKey, kubernetes: Bool, global: Bool, errors: FieldErrors
    ) -> DecodedObject.Model {
        let fields =
            kubernetes
            ? NetworkPolicyDecoder.specFields
            : CalicoPolicyDecoder.specFields + (global ? CalicoPolicyDecoder.globalSpecFields : [])
        spec.rejectUnknown(fields + ["stagedAction"])
        let kept = kubernetes ? [] : ["tier", "types"]
        for field in fields where !kept.contains(field) {
            if let value = spec.members[field], !isEmpty(value) {
                errors.add(
                    .forbidden(
                        spec.path(field),
                        "must be empty when stagedAction is Delete: a Delete stages the removal of the policy of the same name"))
            }
        }
        if kubernetes { return .networkPolicy(NetworkPolicy(namespace: key.namespace, name: key.name)) }
        var policy = CalicoPolicy(namespace: global ? nil : key.namespace, name: key.name)
        policy.tier = CalicoPolicyDecoder.tier(spec, errors: errors)
        _ = PolicyTypes(spec, "types")
        return .calicoPolicy(policy)
    }

    /// True for what Go's zero value encodes to: null, false, "", an empty list, or an object of such values.
    private static func isEmpty(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .bool(let flag): !flag
        case .string(let text): text.isEmpty
        case .array(let elements): elements.isEmpty
        case .object(let members): members.values.allSatisfy(isEmpty)
        case .integer, .double: false
        }
    }
}
