/// A namespace as the evaluator sees it: a name and labels.
public struct Namespace: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]

    /// The label the API server puts on every namespace, immutable and equal to the name.
    public static let nameLabel = "kubernetes.io/metadata.name"

    public init(name: String, labels: [String: String]) {
        self.name = name
        var labels = labels
        labels[Namespace.nameLabel] = name
        self.labels = labels
    }
}
