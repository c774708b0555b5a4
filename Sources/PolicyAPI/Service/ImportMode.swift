/// How a bundle is applied.
public enum ImportMode: String, Sendable, CaseIterable {
    /// Create or replace each object.
    case apply
    /// Fail if any object exists.
    case create
    /// Afterwards the store holds exactly the bundle.
    case replace
}

/// How a bundle is applied, besides its mode.
public struct ImportOptions: Sendable {
    /// Create the namespaces that objects name but neither the bundle nor the store holds, with
    /// only the `kubernetes.io/metadata.name` label; when false such an object is `404`, as in Kubernetes.
    public var createImpliedNamespaces: Bool
    /// Where each object came from (`deploy/api.yaml, document 2`), for errors; `document N` when empty.
    public var locations: [DocumentLocation]

    public init(createImpliedNamespaces: Bool = false, locations: [DocumentLocation] = []) {
        self.createImpliedNamespaces = createImpliedNamespaces
        self.locations = locations
    }
}

/// What happened to one object of a bundle.
public struct ImportOutcome: Sendable, Hashable {
    public enum Action: String, Sendable {
        case created, updated, unchanged, deleted
    }

    public var key: ObjectKeyDescription
    public var action: Action
    /// What the document was before conversion, e.g. `policy (v1)`.
    public var convertedFrom: String? = nil
    /// A namespace the bundle did not hold but its objects named: created with only its name label
    /// (or, in `replace` mode, kept as stored).
    public var implied = false
}

/// The identity of an object as reported to clients.
public struct ObjectKeyDescription: Sendable, Hashable {
    public var kind: String
    public var apiVersion: String
    public var namespace: String
    public var name: String
    /// `networkpolicy.networking.k8s.io`, as kubectl prints it.
    public var displayKind: String
}
