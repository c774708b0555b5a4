/// How a bundle is applied.
public enum ImportMode: String, Sendable, CaseIterable {
    /// Create or replace each object.
    case apply
    /// Fail if any object exists.
    case create
    /// Afterwards the store holds exactly the bundle.
    case replace
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
