import PolicyCore

/// A deterministic random source, so every run benchmarks the same cluster.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds a cluster shaped like a real one: teams of namespaces, apps with tiers and named ports,
/// policies that select apps and allow peers by app, namespace label, port and CIDR.
struct SyntheticCluster {
    static let apps = (0..<40).map { "app-\($0)" }
    static let tiers = ["web", "api", "db", "cache", "worker"]
    static let teams = ["payments", "search", "identity", "platform", "data"]

    var namespaces: Int
    var podsPerNamespace: Int
    var policies: Int
    var seed: UInt64 = 42

    func snapshot() throws -> PolicySnapshot {
        var random = SplitMix64(state: seed)
        var snapshot = PolicySnapshot(revision: 1)
        for n in 0..<namespaces {
            let name = "ns-\(n)"
            snapshot.upsert(.namespace(Namespace(name: name, labels: ["team": Self.teams[n % Self.teams.count], "env": n % 3 == 0 ? "prod" : "dev"])))
            for p in 0..<podsPerNamespace {
                let app = Self.apps[Int.random(in: 0..<Self.apps.count, using: &random)]
                let tier = Self.tiers[Int.random(in: 0..<Self.tiers.count, using: &random)]
                let index = n * podsPerNamespace + p
                let address = IPAddress(ipv4: 0x0A00_0000 | UInt32(index + 1))
                snapshot.upsert(
                    .pod(
                        Pod(
                            namespace: name, name: "pod-\(p)", labels: ["app": app, "tier": tier, "version": "v\(p % 3)"],
                            ips: [address],
                            namedPorts: [
                                Pod.NamedPort(name: "http", port: 8080, protocol: .tcp),
                                Pod.NamedPort(name: "metrics", port: 9090, protocol: .tcp),
                                Pod.NamedPort(name: "dns", port: 53, protocol: .udp),
                            ])))
            }
        }
        for index in 0..<policies {
            let namespace = "ns-\(index % max(1, namespaces))"
            snapshot.upsert(.networkPolicy(policy(index: index, namespace: namespace, random: &random)))
        }
        return snapshot
    }

    private func policy(index: Int, namespace: String, random: inout SplitMix64) -> NetworkPolicy {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        let selector: LabelSelector =
            index % 10 == 0 ? .everything : LabelSelector(matchLabels: ["app": pick(Self.apps)])
        var ingress: [NetworkPolicy.Rule] = []
        var egress: [NetworkPolicy.Rule] = []
        for _ in 0..<(1 + index % 3) {
            let peers: [NetworkPolicy.Peer]
            switch Int.random(in: 0..<4, using: &random) {
            case 0: peers = [NetworkPolicy.Peer(podSelector: LabelSelector(matchLabels: ["app": pick(Self.apps)]))]
            case 1:
                peers = [
                    NetworkPolicy.Peer(
                        podSelector: LabelSelector(matchLabels: ["tier": pick(Self.tiers)]),
                        namespaceSelector: LabelSelector(matchLabels: ["team": pick(Self.teams)]))
                ]
            case 2:
                peers = [
                    NetworkPolicy.Peer(
                        namespaceSelector: LabelSelector(requirements: [.init(key: "env", operator: .in, values: ["prod", "dev"])]))
                ]
            default:
                peers = [NetworkPolicy.Peer(ipBlock: NetworkPolicy.IPBlock(cidr: CIDR("10.0.0.0/12")!, except: [CIDR("10.0.1.0/24")!]))]
            }
            let ports: [NetworkPolicy.Port] =
                [
                    [NetworkPolicy.Port(protocol: .tcp, target: .number(8080, endPort: 8080))],
                    [NetworkPolicy.Port(protocol: .tcp, target: .name("http")), NetworkPolicy.Port(protocol: .tcp, target: .name("metrics"))],
                    [NetworkPolicy.Port(protocol: .tcp, target: .number(30000, endPort: 32767))],
                    [],
                ][Int.random(in: 0..<4, using: &random)]
            ingress.append(NetworkPolicy.Rule(peers: peers, ports: ports))
            if index % 4 == 0 { egress.append(NetworkPolicy.Rule(peers: peers, ports: ports)) }
        }
        return NetworkPolicy(
            namespace: namespace, name: "policy-\(index)", podSelector: selector, ingress: ingress, egress: egress,
            appliesToIngress: true, appliesToEgress: index % 4 == 0)
    }

    /// A mix of questions: pod to pod across namespaces, pod to external, external to pod; some every-port.
    func questions(count: Int) -> [DecisionRequest] {
        var random = SplitMix64(state: seed ^ 0xABCDEF)
        func pod() -> Endpoint {
            .pod(namespace: "ns-\(Int.random(in: 0..<namespaces, using: &random))", name: "pod-\(Int.random(in: 0..<podsPerNamespace, using: &random))")
        }
        let ports = [80, 443, 8080, 9090, 31000, 5432]
        return (0..<count).map { index in
            switch index % 10 {
            case 0: return DecisionRequest(source: pod(), destination: .address(IPAddress("8.8.8.8")!), port: 53, protocol: .udp)
            case 1: return DecisionRequest(source: .address(IPAddress("203.0.113.7")!), destination: pod(), port: 443)
            default:
                return DecisionRequest(source: pod(), destination: pod(), port: ports[Int.random(in: 0..<ports.count, using: &random)])
            }
        }
    }
}
