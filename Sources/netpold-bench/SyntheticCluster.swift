import PolicyCore
import SeededRandom

/// Builds a cluster shaped like a real one, as the documents users import: teams of namespaces,
/// apps with tiers and named ports, 80 % Kubernetes NetworkPolicies and 20 % Calico policies
/// (a tenth of those global) with selectors, ports, ranges, named ports and CIDRs. `calicoPercent`
/// changes the Calico share (0 gives a Kubernetes-only cluster, for engines that know no Calico).
struct SyntheticCluster {
    static let apps = (0..<40).map { "app-\($0)" }
    static let tiers = ["web", "api", "db", "cache", "worker"]
    static let teams = ["payments", "search", "identity", "platform", "data"]

    var namespaces: Int
    var podsPerNamespace: Int
    var policies: Int
    /// Percent of the policies that are Calico policies, spread evenly (at 20, every fifth).
    var calicoPercent = 20
    /// ClusterNetworkPolicies added (Admin and Baseline), and Calico Tiers the Calico policies spread over.
    var adminPolicies = 0
    var calicoTiers = 0
    var seed: UInt64 = 42

    static func podAddress(_ index: Int) -> String {
        let value = 0x0A00_0000 | UInt32(index + 1)
        return "\(value >> 24).\(value >> 16 & 0xFF).\(value >> 8 & 0xFF).\(value & 0xFF)"
    }

    /// Every document: namespaces, then pods, then policies.
    func documents() -> [JSONValue] {
        var random = SplitMix64(state: seed)
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        var documents: [JSONValue] = []
        documents.reserveCapacity(namespaces * (podsPerNamespace + 1) + policies)
        for n in 0..<namespaces {
            documents.append(
                .object([
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": .object([
                        "name": .string("ns-\(n)"),
                        "labels": .stringMap(["team": Self.teams[n % Self.teams.count], "env": n % 3 == 0 ? "prod" : "dev"]),
                    ]),
                ]))
        }
        for n in 0..<namespaces {
            for p in 0..<podsPerNamespace {
                let ports: [JSONValue] = [
                    .object(["name": "http", "containerPort": .integer(8080)]),
                    .object(["name": "metrics", "containerPort": .integer(9090)]),
                    .object(["name": "dns", "containerPort": .integer(53), "protocol": "UDP"]),
                ]
                documents.append(
                    .object([
                        "apiVersion": "v1", "kind": "Pod",
                        "metadata": .object([
                            "name": .string("pod-\(p)"), "namespace": .string("ns-\(n)"),
                            "labels": .stringMap(["app": pick(Self.apps), "tier": pick(Self.tiers), "version": "v\(p % 3)"]),
                        ]),
                        "spec": .object([
                            "containers": .array([
                                .object(["name": "main", "image": "registry.example/app:1", "ports": .array(ports)])
                            ])
                        ]),
                        "status": .object(["podIP": .string(Self.podAddress(n * podsPerNamespace + p))]),
                    ]))
            }
        }
        for tier in 0..<calicoTiers {
            // The first tier drops what it does not decide, as a security tier would; the others pass it on.
            documents.append(
                .object([
                    "apiVersion": "projectcalico.org/v3", "kind": "Tier", "metadata": .object(["name": .string("tier-\(tier)")]),
                    "spec": .object([
                        "order": .double(Double(100 * (tier + 1))), "defaultAction": .string(tier == 0 ? "Deny" : "Pass"),
                    ]),
                ]))
        }
        for index in 0..<policies {
            let namespace = "ns-\(index % max(1, namespaces))"
            if isCalico(index) {
                var policy = calicoPolicy(index: index, namespace: index % 50 == 4 ? nil : namespace, random: &random)
                if calicoTiers > 0, index % (calicoTiers + 1) != 0 {
                    policy["spec"]?["tier"] = .string("tier-\(index % (calicoTiers + 1) - 1)")
                }
                documents.append(policy)
            } else {
                documents.append(kubernetesPolicy(index: index, namespace: namespace, random: &random))
            }
        }
        for index in 0..<adminPolicies { documents.append(adminPolicy(index: index, random: &random)) }
        return documents
    }

    /// A ClusterNetworkPolicy as platform teams write them: a team's namespaces or an app's pods,
    /// denying or passing traffic from other teams, accepting a monitoring port, denying an address block.
    private func adminPolicy(index: Int, random: inout SplitMix64) -> JSONValue {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func labels(_ key: String, _ value: String) -> JSONValue { .object(["matchLabels": .stringMap([key: value])]) }
        let subject: JSONValue =
            index % 2 == 0
            ? .object(["namespaces": labels("team", pick(Self.teams))])
            : .object(["pods": .object(["namespaceSelector": .object([:]), "podSelector": labels("app", pick(Self.apps))])])
        let ingress: [JSONValue] = [
            .object([
                "name": "monitoring", "action": "Accept",
                "from": .array([.object(["namespaces": labels("team", "platform")])]),
                "protocols": .array([.object(["tcp": .object(["destinationPort": .object(["number": .integer(9090)])])])]),
            ]),
            .object([
                "name": "other-teams", "action": .string(pick(["Deny", "Pass"])),
                "from": .array([.object(["namespaces": labels("team", pick(Self.teams))])]),
            ]),
        ]
        let egress: [JSONValue] = [
            .object([
                "name": "no-metadata", "action": "Deny",
                "to": .array([.object(["networks": .array(["169.254.169.254/32"])])]),
            ]),
            .object([
                "name": "tier-pass", "action": "Pass",
                "to": .array([
                    .object([
                        "pods": .object(["namespaceSelector": .object([:]), "podSelector": labels("tier", pick(Self.tiers))])
                    ])
                ]),
            ]),
        ]
        return .object([
            "apiVersion": "policy.networking.k8s.io/v1alpha2", "kind": "ClusterNetworkPolicy",
            "metadata": .object(["name": .string("admin-\(index)")]),
            "spec": .object([
                "tier": .string(index % 3 == 2 ? "Baseline" : "Admin"), "priority": .integer(Int64(index % 1000)),
                "subject": subject, "ingress": .array(ingress), "egress": .array(egress),
            ]),
        ])
    }

    /// Whether policy `index` is a Calico one: when `index + 1` policies hold one more Calico share
    /// than `index` do (at 20 %, the indices 4, 9, 14, ..., as before the share was an option).
    private func isCalico(_ index: Int) -> Bool {
        (index + 1) * calicoPercent / 100 > index * calicoPercent / 100
    }

    private func kubernetesPolicy(index: Int, namespace: String, random: inout SplitMix64) -> JSONValue {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        func peer() -> JSONValue {
            switch Int.random(in: 0..<4, using: &random) {
            case 0: return .object(["podSelector": .object(["matchLabels": .stringMap(["app": pick(Self.apps)])])])
            case 1:
                return .object([
                    "podSelector": .object(["matchLabels": .stringMap(["tier": pick(Self.tiers)])]),
                    "namespaceSelector": .object(["matchLabels": .stringMap(["team": pick(Self.teams)])]),
                ])
            case 2:
                return .object([
                    "namespaceSelector": .object([
                        "matchExpressions": .array([
                            .object(["key": "env", "operator": "In", "values": .array(["prod", "dev"])])
                        ])
                    ])
                ])
            default:
                return .object(["ipBlock": .object(["cidr": "10.0.0.0/12", "except": .array(["10.0.1.0/24"])])])
            }
        }
        func ports() -> JSONValue {
            pick([
                .array([.object(["port": .integer(8080)])]),
                .array([.object(["port": "http"]), .object(["port": "metrics"])]),
                .array([.object(["port": .integer(30000), "endPort": .integer(32767)])]),
                .array([]),
            ])
        }
        var spec: [String: JSONValue] = [
            "podSelector": index % 50 == 0 ? .object([:]) : .object(["matchLabels": .stringMap(["app": pick(Self.apps)])]),
            "ingress": .array((0..<(1 + index % 3)).map { _ in .object(["from": .array([peer()]), "ports": ports()]) }),
        ]
        if index % 4 == 0 {
            spec["egress"] = .array([.object(["to": .array([peer()]), "ports": ports()])])
            spec["policyTypes"] = .array(["Ingress", "Egress"])
        }
        return .object([
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": .object(["name": .string("k8s-\(index)"), "namespace": .string(namespace)]), "spec": .object(spec),
        ])
    }

    private func calicoPolicy(index: Int, namespace: String?, random: inout SplitMix64) -> JSONValue {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        var rules: [JSONValue] = []
        for _ in 0..<(1 + index % 2) {
            var rule: [String: JSONValue] = ["action": .string(pick(["Allow", "Allow", "Deny", "Log", "Pass"]))]
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                rule["protocol"] = "TCP"
                rule["source"] = .object(["selector": .string("tier == '\(pick(Self.tiers))'")])
                rule["destination"] = .object(["ports": .array([.integer(8080), "30000:32767"])])
            case 1:
                rule["source"] = .object(["nets": .array(["10.0.0.0/8"]), "notNets": .array(["10.0.2.0/24"])])
                rule["destination"] = .object(["ports": .array(["metrics"])])
            default:
                rule["source"] = .object(["namespaceSelector": .string("team in {'\(pick(Self.teams))', '\(pick(Self.teams))'}")])
            }
            rules.append(.object(rule))
        }
        var spec: [String: JSONValue] = [
            "selector": .string(index % 20 == 9 ? "all()" : "app == '\(pick(Self.apps))'"),
            "ingress": .array(rules),
        ]
        if let order = pick([100.0, 500.0, 1500.0, nil] as [Double?]) { spec["order"] = .double(order) }
        var metadata: [String: JSONValue] = ["name": .string("calico-\(index)")]
        if let namespace { metadata["namespace"] = .string(namespace) }
        return .object([
            "apiVersion": "projectcalico.org/v3", "kind": .string(namespace == nil ? "GlobalNetworkPolicy" : "NetworkPolicy"),
            "metadata": .object(metadata), "spec": .object(spec),
        ])
    }

    /// The documents decoded into a snapshot, as the server would hold them.
    func snapshot() throws -> PolicySnapshot {
        var snapshot = PolicySnapshot(revision: 1)
        for document in documents() { snapshot.upsert(try ObjectDecoder.decode(document).model) }
        return snapshot
    }

    /// A mix of questions: pod to pod across namespaces, pod to external, external to pod.
    func questions(count: Int) -> [DecisionRequest] {
        var random = SplitMix64(state: seed ^ 0xABCDEF)
        func pod() -> Endpoint {
            .pod(
                namespace: "ns-\(Int.random(in: 0..<namespaces, using: &random))",
                name: "pod-\(Int.random(in: 0..<podsPerNamespace, using: &random))")
        }
        let ports = [80, 443, 8080, 9090, 31000, 5432]
        return (0..<count).map { index in
            switch index % 10 {
            case 0: return DecisionRequest(source: pod(), destination: .address(IPAddress("8.8.8.8")!), port: 53, protocol: .udp)
            case 1: return DecisionRequest(source: .address(IPAddress("203.0.113.7")!), destination: pod(), port: 443)
            default:
                return DecisionRequest(
                    source: pod(), destination: pod(), port: ports[Int.random(in: 0..<ports.count, using: &random)])
            }
        }
    }

    /// `count` of ``questions(count:)`` as `/v1/decide` request bodies, one JSON object each.
    func requestLines(count: Int) -> [String] {
        var lines: [String] = []
        for question in questions(count: count) {
            func endpoint(_ endpoint: Endpoint) -> JSONValue {
                switch endpoint {
                case .pod(let namespace, let name): return .object(["namespace": .string(namespace), "pod": .string(name)])
                case .address(let address): return .object(["ip": .string(address.description)])
                case .workload(let namespace, let labels, _):
                    return .object(["namespace": .string(namespace), "labels": .stringMap(labels)])
                }
            }
            var body: [String: JSONValue] = [
                "source": endpoint(question.source), "destination": endpoint(question.destination),
                "protocol": .string(question.protocol.rawValue),
            ]
            if let port = question.port { body["port"] = .integer(Int64(port)) }
            lines.append(JSONWriter.string(.object(body)))
        }
        return lines
    }
}
