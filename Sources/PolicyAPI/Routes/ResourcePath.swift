import PolicyCore

/// A Kubernetes-style resource URL: `/api/v1/namespaces/{ns}/pods/{name}` and friends.
struct ResourcePath: Equatable {
    var kind: ResourceKind
    /// The namespace in the path; nil for cluster-scoped kinds and all-namespace lists.
    var namespace: String?
    /// The object name; nil for a collection.
    var name: String?

    init?(_ segments: [String]) {
        var rest: ArraySlice<String>
        var group: String
        var version: String
        if segments.starts(with: ["api", "v1"]) {
            group = ""
            version = "v1"
            rest = segments.dropFirst(2)
        } else if segments.count >= 3, segments[0] == "apis" {
            group = segments[1]
            version = segments[2]
            rest = segments.dropFirst(3)
        } else {
            return nil
        }
        func kind(_ plural: String) -> ResourceKind? {
            ResourceKind.allCases.first { $0.group == group && $0.version == version && $0.plural == plural }
        }
        let parts = Array(rest)
        switch parts.count {
        case 1:
            guard let found = kind(parts[0]) else { return nil }
            self.kind = found
        case 2:
            guard let found = kind(parts[0]), !found.isNamespaced else { return nil }
            self.kind = found
            self.name = parts[1]
        case 3, 4:
            guard parts[0] == "namespaces", let found = kind(parts[2]), found.isNamespaced else { return nil }
            self.kind = found
            self.namespace = parts[1]
            self.name = parts.count == 4 ? parts[3] : nil
        default:
            return nil
        }
    }
}
