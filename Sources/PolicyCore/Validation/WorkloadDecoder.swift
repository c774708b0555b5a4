/// Reads the parts of a workload decisions use (pod template labels and named ports, owners) and
/// checks what the API server checks of them; everything else is kept as given.
enum WorkloadDecoder {
    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors) -> Workload {
        let owners = PodDecoder.owners(root.object("metadata"), errors: errors)
        let spec = root.object("spec")
        if spec == nil, !root.has("spec") { errors.add(.required("spec")) }
        // A CronJob's pods come from its job template.
        var podOwner = spec
        if key.kind == .cronJob {
            let jobTemplate = spec?.object("jobTemplate")
            if let spec, jobTemplate == nil, !spec.has("jobTemplate") { errors.add(.required(spec.path("jobTemplate"))) }
            podOwner = jobTemplate?.object("spec")
            if let jobTemplate, podOwner == nil, !jobTemplate.has("spec") { errors.add(.required(jobTemplate.path("spec"))) }
        }
        let template = podOwner?.object("template")
        if let podOwner, template == nil, !podOwner.has("template") { errors.add(.required(podOwner.path("template"))) }
        let templateMetadata = template?.object("metadata")
        let labels = templateMetadata?.stringMap("labels") ?? [:]
        if let templateMetadata { NameRules.validateLabels(labels, at: templateMetadata.path("labels"), errors: errors) }
        var namedPorts: [Pod.NamedPort] = []
        if let template {
            if let podSpec = template.object("spec") {
                if !podSpec.has("containers") || podSpec.members["containers"]?.arrayValue?.isEmpty == true {
                    errors.add(.required(podSpec.path("containers")))
                }
                namedPorts = PodDecoder.namedPorts(in: podSpec, errors: errors)
            } else if !template.has("spec") {
                errors.add(.required(template.path("spec.containers")))
            }
        }
        if let podOwner, let template {
            checkSelector(podOwner, kind: key.kind, template: template, labels: labels, errors: errors)
        }
        return Workload(
            kind: key.kind, namespace: key.namespace, name: key.name, templateLabels: labels, namedPorts: namedPorts,
            owners: owners)
    }

    /// The selector rules of the API server: apps/v1 kinds need a non-empty selector, a Job's or a
    /// ReplicationController's is optional (the controller or the defaults fill it in), and any
    /// selector given must select the template's labels.
    private static func checkSelector(
        _ spec: FieldReader, kind: ResourceKind, template: FieldReader, labels: [String: String], errors: FieldErrors
    ) {
        let selectorPath = spec.path("selector")
        let matches: Bool
        switch kind {
        case .replicationController:
            guard let selector = spec.stringMap("selector"), !selector.isEmpty else { return }
            NameRules.validateLabels(selector, at: selectorPath, errors: errors)
            matches = selector.allSatisfy { labels[$0.key] == $0.value }
        case .job, .cronJob:
            guard spec.has("selector") else { return }
            matches = LabelSelector.read(spec.members["selector"], at: selectorPath, errors: errors).matches(labels)
        default:
            guard spec.has("selector") else {
                errors.add(.required(selectorPath))
                return
            }
            let selector = LabelSelector.read(spec.members["selector"], at: selectorPath, errors: errors)
            if selector.isEverything {
                errors.add(
                    .invalid(
                        selectorPath,
                        "Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                            + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for "
                            + kind.kind.lowercased()))
                return
            }
            matches = selector.matches(labels)
        }
        if !matches {
            errors.add(
                .invalid(
                    template.path("metadata.labels"),
                    "Invalid value: \(goMap(labels)): `selector` does not match template `labels`"))
        }
    }

    /// A label map as the API server prints it (Go's `%#v`): `map[string]string{"app":"web"}`.
    static func goMap(_ labels: [String: String]) -> String {
        if labels.isEmpty { return "map[string]string(nil)" }
        let pairs = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
        return "map[string]string{" + pairs.joined(separator: ", ") + "}"
    }
}
