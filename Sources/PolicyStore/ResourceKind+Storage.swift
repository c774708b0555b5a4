import PolicyCore

extension ResourceKind {
    /// The stable name of a kind in the `objects.kind` column.
    var storageName: String { group.isEmpty ? kind : "\(kind).\(group)" }

    init?(storageName: String) {
        guard let match = ResourceKind.allCases.first(where: { $0.storageName == storageName }) else { return nil }
        self = match
    }
}
