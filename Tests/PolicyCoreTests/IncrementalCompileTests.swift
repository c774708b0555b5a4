import PolicyCore
import SeededRandom
import Testing

/// A repeatable random source for generated scenarios.
typealias SeededRandom = SplitMix64

@Suite struct IncrementalCompileTests {
    static let apps = ["web", "db", "cache"]

    static func randomChange(_ random: inout SeededRandom, step: Int) throws -> CompiledPolicySet.Change {
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        let namespace = pick(["a", "b"])
        switch Int.random(in: 0..<14, using: &random) {
        case 10, 11:
            // Admin policies: a Deny, a Pass, and one that reads the Nodes.
            let name = "cnp\(Int.random(in: 0..<2, using: &random))"
            let web = LabelSelector(matchLabels: ["app": "web"])
            let team = LabelSelector(matchLabels: ["team": pick(["x", "y"])])
            let rule = pick([
                ClusterNetworkPolicy.Rule(action: .deny, peers: [.namespaces(team)], ports: [.range(.tcp, 80, 80)]),
                ClusterNetworkPolicy.Rule(action: .pass, peers: [.pods(.init(podSelector: web))]),
                ClusterNetworkPolicy.Rule(action: .accept, peers: [.nodes(.everything)]),
            ])
            let egress = Bool.random(using: &random) || rule.peers.contains(.nodes(.everything))
            return .upsert(
                .clusterPolicy(
                    ClusterNetworkPolicy(
                        name: name, level: pick([.admin, .baseline]), priority: pick([1, 5]),
                        subject: pick([.namespaces(team), .pods(.init(podSelector: web))]), ingress: egress ? [] : [rule],
                        egress: egress ? [rule] : [])))
        case 12:
            if Bool.random(using: &random) { return .remove(ObjectKey(kind: .node, namespace: "", name: "n0")) }
            return .upsert(
                .node(ClusterNode(name: "n0", addresses: [IPAddress(pick(["10.0.0.3", "8.8.8.8", "10.0.0.7"]))!])))
        case 13:
            if Bool.random(using: &random) {
                return .remove(ObjectKey(kind: .clusterNetworkPolicy, namespace: "", name: "cnp0"))
            }
            // A Calico policy in a tier of its own, whose settings change.
            return .upsert(.tier(PolicyTier(name: "t1", order: pick([1, 5_000_000]), defaultAction: pick([.deny, .pass]))))
        case 0...3:
            let name = "p\(Int.random(in: 0..<6, using: &random))"
            let ip = IPAddress(ipv4: 0x0A00_0000 | UInt32(Int.random(in: 1...12, using: &random)))
            return .upsert(
                .pod(
                    Pod(
                        namespace: namespace, name: name, labels: ["app": pick(apps)], ips: [ip],
                        namedPorts: [Pod.NamedPort(name: "http", port: pick([80, 8080]), protocol: .tcp)])))
        case 4:
            return .remove(ObjectKey(kind: .pod, namespace: namespace, name: "p\(Int.random(in: 0..<6, using: &random))"))
        case 5:
            return .upsert(.namespace(Namespace(name: namespace, labels: ["team": pick(["x", "y"])])))
        case 6:
            let spec = pick([
                #"{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}]}]}"#,
                #"{"podSelector":{},"policyTypes":["Egress"],"egress":[{"ports":[{"port":"http"}]}]}"#,
                #"{"podSelector":{"matchExpressions":[{"key":"app","operator":"In","values":["web","cache"]}]},"ingress":[{"from":[{"namespaceSelector":{"matchLabels":{"team":"x"}}}]}]}"#,
            ])
            let document = try JSONParser.parse(
                #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"k\#(Int.random(in: 0..<3, using: &random))","namespace":"\#(namespace)"},"spec":\#(spec)}"#
            )
            return .upsert(try ObjectDecoder.decode(document).model)
        case 7:
            let spec = pick([
                #"{"order":10,"selector":"app == 'web'","egress":[{"action":"Deny","destination":{"selector":"app == 'db'"}}]}"#,
                #"{"selector":"all()","ingress":[{"action":"Pass","source":{"namespaceSelector":"team == 'x'"}}]}"#,
                #"{"order":2000,"namespaceSelector":"team == 'y'","ingress":[{"action":"Allow","protocol":"TCP","destination":{"ports":[80]}}]}"#,
            ])
            let document = try JSONParser.parse(
                #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g\#(Int.random(in: 0..<3, using: &random))"},"spec":\#(spec)}"#
            )
            guard case .calicoPolicy(var policy) = try ObjectDecoder.decode(document).model else { fatalError("a GNP") }
            if Bool.random(using: &random) { policy.tier = "t1" }
            return .upsert(.calicoPolicy(policy))
        case 8:
            return .remove(
                ObjectKey(
                    kind: pick([.networkPolicy, .globalNetworkPolicy]), namespace: namespace,
                    name: pick(["k0", "k1", "g0", "g1"])))
        default:
            let document = try JSONParser.parse(
                #"{"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"c0","namespace":"\#(namespace)"},"spec":{"selector":"app == 'cache'","ingress":[{"action":"Allow","source":{"selector":"all()"}}]}}"#
            )
            return .upsert(try ObjectDecoder.decode(document).model)
        }
    }

    static func answers(_ set: CompiledPolicySet, _ snapshot: PolicySnapshot) -> [String] {
        let endpoints: [Endpoint] =
            snapshot.pods.keys.sorted().map { .pod(namespace: $0.namespace, name: $0.name) }
            + [.address(IPAddress("8.8.8.8")!), .address(IPAddress("10.0.0.3")!)]
        var result: [String] = []
        for source in endpoints {
            for destination in endpoints {
                for port in [80, 8080, nil] as [Int?] {
                    let decision = try? set.decide(DecisionRequest(source: source, destination: destination, port: port))
                    result.append(
                        "\(source)->\(destination):\(String(describing: port)) \(String(describing: decision?.allowed)) \(String(describing: decision?.egress?.policy)) \(String(describing: decision?.ingress?.policy)) \(String(describing: decision?.ports))"
                    )
                }
            }
        }
        return result
    }

    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8])
    func incrementalUpdatesAnswerLikeAFullCompile(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        var snapshot = PolicySnapshot(revision: 0)
        snapshot.upsert(.namespace(Namespace(name: "a", labels: ["team": "x"])))
        snapshot.upsert(.namespace(Namespace(name: "b", labels: ["team": "y"])))
        var incremental = CompiledPolicySet(snapshot)
        for step in 1...60 {
            let change = try Self.randomChange(&random, step: step)
            switch change {
            case .upsert(let model): snapshot.upsert(model)
            case .remove(let key): snapshot.remove(key)
            }
            snapshot.revision = Int64(step)
            incremental = incremental.applying([change], revision: Int64(step), snapshot: snapshot)
            if step % 10 == 0 {
                let full = CompiledPolicySet(snapshot)
                #expect(incremental.podCount == full.podCount)
                #expect(incremental.policyCount == full.policyCount)
                #expect(Self.answers(incremental, snapshot) == Self.answers(full, snapshot), "seed \(seed) step \(step)")
            }
        }
    }
}
