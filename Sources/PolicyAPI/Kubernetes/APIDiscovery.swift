import PolicyCore

/// The Kubernetes discovery documents (`/api`, `/api/v1`, `/apis`, `/apis/{group}`,
/// `/apis/{group}/{version}`), derived from ``ResourceKind`` so that a new kind appears by itself.
/// These are the legacy (unaggregated) JSON documents: kubectl asks for the aggregated
/// `apidiscovery.k8s.io` form first and falls back to these when the answer is plain JSON.
enum APIDiscovery {
    /// A group and version that holds at least one kind.
    struct GroupVersion: Hashable, Comparable {
        var group: String
        var version: String

        /// `v1` for the core group, else `group/version`.
        var name: String { group.isEmpty ? version : "\(group)/\(version)" }

        /// The discovery and OpenAPI path: `api/v1` or `apis/{group}/{version}`.
        var path: String { group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)" }

        var kinds: [ResourceKind] {
            ResourceKind.allCases.filter { $0.group == group && $0.version == version }.sorted { $0.plural < $1.plural }
        }

        /// Groups as the API server lists them (see ``groupRank``), and within a group the preferred
        /// version first.
        static func < (lhs: GroupVersion, rhs: GroupVersion) -> Bool {
            if lhs.group != rhs.group {
                return (groupRank(lhs.group), lhs.group) < (groupRank(rhs.group), rhs.group)
            }
            return versionPriority(lhs.version) > versionPriority(rhs.version)
        }
    }

    /// Every group and version, in discovery order.
    static let groupVersions: [GroupVersion] = Set(
        ResourceKind.allCases.map { GroupVersion(group: $0.group, version: $0.version) }
    )
    .sorted()

    /// The named groups (not the core group), in discovery order.
    static var groups: [String] {
        var seen: [String] = []
        for groupVersion in groupVersions where !groupVersion.group.isEmpty && !seen.contains(groupVersion.group) {
            seen.append(groupVersion.group)
        }
        return seen
    }

    /// Where a group is listed: the Kubernetes groups without a dot (`apps`, `batch`) first, then the
    /// other `*.k8s.io` groups, then everyone else's. Order matters to kubectl: a resource name two
    /// groups share (`networkpolicies`) means the first group's.
    static func groupRank(_ group: String) -> Int {
        if group.isEmpty { return 0 }
        if !group.contains(".") { return 1 }
        if group.hasSuffix(".k8s.io") { return 2 }
        return 3
    }

    /// Kubernetes version priority: GA before beta before alpha, higher numbers first (`v1` >
    /// `v1beta2` > `v1beta1` > `v1alpha2`); anything else last.
    static func versionPriority(_ version: String) -> Int {
        let text = Array(version.utf8)
        guard text.first == UInt8(ascii: "v") else { return 0 }
        var index = 1
        func number() -> Int? {
            var value: Int?
            while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                value = (value ?? 0) * 10 + Int(text[index] - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }
        guard let major = number(), major < 1000 else { return 0 }
        if index == text.count { return 3_000_000 + major * 1000 }
        let rest = String(decoding: text[index...], as: UTF8.self)
        for (stage, rank) in [("beta", 2_000_000), ("alpha", 1_000_000)] where rest.hasPrefix(stage) {
            index += stage.utf8.count
            guard let minor = number(), index == text.count, minor < 1000 else { return 0 }
            return rank + major * 1000 + minor
        }
        return 0
    }

    /// `GET /api`: the core group's versions, and the address clients reach the server at.
    static func apiVersions(serverAddress: String?) -> JSONValue {
        var addresses: [JSONValue] = []
        if let serverAddress, !serverAddress.isEmpty {
            addresses.append(.object(["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]))
        }
        return .object([
            "kind": "APIVersions",
            "versions": .array(groupVersions.filter { $0.group.isEmpty }.map { .string($0.version) }),
            "serverAddressByClientCIDRs": .array(addresses),
        ])
    }

    /// `GET /apis`: every named group with its versions.
    static func apiGroupList() -> JSONValue {
        .object(["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(groups.compactMap { groupBody($0) })])
    }

    /// `GET /apis/{group}`, or nil for a group netpold does not serve.
    static func apiGroup(_ group: String) -> JSONValue? {
        guard var body = groupBody(group) else { return nil }
        body["kind"] = "APIGroup"
        body["apiVersion"] = "v1"
        return body
    }

    private static func groupBody(_ group: String) -> JSONValue? {
        let versions = groupVersions.filter { $0.group == group && !group.isEmpty }
        guard let preferred = versions.first else { return nil }
        func entry(_ groupVersion: GroupVersion) -> JSONValue {
            .object(["groupVersion": .string(groupVersion.name), "version": .string(groupVersion.version)])
        }
        return .object(["name": .string(group), "versions": .array(versions.map(entry)), "preferredVersion": entry(preferred)])
    }

    /// `GET /api/v1` or `GET /apis/{group}/{version}`, or nil for a group version netpold does not serve.
    static func apiResourceList(group: String, version: String) -> JSONValue? {
        let groupVersion = GroupVersion(group: group, version: version)
        let kinds = groupVersion.kinds
        guard !kinds.isEmpty else { return nil }
        var body: [String: JSONValue] = [
            "kind": "APIResourceList", "groupVersion": .string(groupVersion.name), "resources": .array(kinds.map(resource)),
        ]
        // As the API server answers: the core group's list carries no apiVersion, the others' do.
        if !group.isEmpty { body["apiVersion"] = "v1" }
        return .object(body)
    }

    /// One `APIResource`.
    static func resource(_ kind: ResourceKind) -> JSONValue {
        var body: [String: JSONValue] = [
            "name": .string(kind.plural), "singularName": .string(kind.singularName), "namespaced": .bool(kind.isNamespaced),
            "kind": .string(kind.kind), "verbs": .array(ResourceKind.discoveryVerbs.map { .string($0) }),
        ]
        if !kind.discoveryShortNames.isEmpty { body["shortNames"] = .array(kind.discoveryShortNames.map { .string($0) }) }
        if !kind.categories.isEmpty { body["categories"] = .array(kind.categories.map { .string($0) }) }
        return .object(body)
    }
}
