public import PolicyCore

/// Why ``PolicyService`` refused a read or a write. What a client sees for each is in
/// `Errors/PolicyAPI+Status.swift`.
public enum ServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object is not stored; for a namespaced object, also its namespace when that is missing.
    case notFound(ObjectKey)
    /// A create named an object that is stored already.
    case alreadyExists(ObjectKey)
    /// A replace carried a resourceVersion other than the stored one.
    case conflict(ObjectKey)
    /// A bundle names the same object twice: at `position` (`deploy/api.yaml, document 2`), first at `first`.
    case repeatedInBundle(ObjectKey, position: String, first: String)
    /// A write would leave a policy in a tier that does not exist, or delete a tier a policy is in.
    case tierReference(TierReferenceProblem)

    /// The namespace of a namespaced object, missing.
    static func namespaceNotFound(_ namespace: String) -> ServiceError {
        .notFound(ObjectKey(kind: .namespace, namespace: "", name: namespace))
    }

    public var description: String {
        switch self {
        case .notFound(let key): "\(key) not found"
        case .alreadyExists(let key): "\(key) already exists"
        case .conflict(let key): "\(key) was modified since the version given"
        case .repeatedInBundle(let key, let position, let first):
            "\(position) repeats \(key) (first at \(first))"
        case .tierReference(.tierNotFound(let policy, let tier)): "\(policy): tier \"\(tier)\" not found"
        case .tierReference(.tierNotEmpty(let tier, let policy)): "tier \"\(tier)\" still holds \(policy)"
        }
    }
}
