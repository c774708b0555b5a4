import PolicyCore
import SeededRandom
import Testing

/// A random cluster of both policy families, for differential tests: pods with labels, addresses
/// (some IPv6) and named ports under several protocols; Kubernetes and Calico policies with every
/// kind of peer, port, range, named port, protocol, action and order. Policies the decoder refuses
/// are left out, so what is compiled is always valid.
struct RandomCluster {
    static let apps = ["web", "db", "cache"]
    static let namedPorts: [Pod.NamedPort] = [
        Pod.NamedPort(name: "http", port: 8080, protocol: .tcp), Pod.NamedPort(name: "http", port: 80, protocol: .tcp),
        Pod.NamedPort(name: "http", port: 8081, protocol: .udp), Pod.NamedPort(name: "dns", port: 53, protocol: .udp),
        Pod.NamedPort(name: "dns", port: 53, protocol: .tcp), Pod.NamedPort(name: "metrics", port: 9100, protocol: .tcp),
        Pod.NamedPort(name: "grpc", port: 7000, protocol: .sctp),
    ]
    /// Ports at and beside every number, range end and named port the generator writes.
    static let probePorts = [
        1, 2, 52, 53, 54, 79, 80, 81, 442, 443, 444, 1023, 1024, 1025, 6999, 7000, 7001, 7999, 8000, 8001, 8079, 8080,
        8081, 8082, 8099, 8100, 8101, 9099, 9100, 9101, 29999, 30000, 32767, 32768, 65534, 65535,
    ]

    var random: SeededRandom
    var snapshot = PolicySnapshot(revision: 1)
    var pods: [Pod] = []
    /// Policies generated, and of those the decoder accepted.
    var generated = 0
    var accepted = 0

    /// - Parameter tiered: also Calico tiers (policies placed in them at random) and admin
    ///   ClusterNetworkPolicies of both levels, with a Node for their `nodes` peers.
    init(seed: UInt64, pods podCount: Int = 8, policies: Int = 8, tiered: Bool = false) {
        random = SeededRandom(state: seed)
        snapshot.upsert(.namespace(Namespace(name: "a", labels: ["team": "x"])))
        snapshot.upsert(.namespace(Namespace(name: "b", labels: ["team": "y"])))
        snapshot.upsert(.namespace(Namespace(name: "c", labels: [:])))
        for index in 0..<podCount {
            var ips = [IPAddress(ipv4: 0x0A00_0000 | UInt32(index + 1))]
            if chance(3) { ips.append(IPAddress("fd00::\(index + 1)")!) }
            var labels = ["app": pick(Self.apps)]
            if chance(2) { labels["tier"] = pick(["1", "2"]) }
            let declared = Self.namedPorts.filter { _ in chance(2) }
            let pod = Pod(namespace: pick(["a", "b", "c"]), name: "p\(index)", labels: labels, ips: ips, namedPorts: declared)
            pods.append(pod)
            snapshot.upsert(.pod(pod))
        }
        if tiered {
            let order = pick([10, 2000, 5_000_000] as [Double])
            snapshot.upsert(.tier(PolicyTier(name: "t1", order: order, defaultAction: pick([.deny, .pass]))))
            snapshot.upsert(.tier(PolicyTier(name: "t2", order: pick([10, nil]), defaultAction: pick([.deny, .pass]))))
            snapshot.upsert(
                .node(ClusterNode(name: "n1", labels: ["role": "infra"], addresses: [IPAddress("10.0.0.200")!])))
        }
        for index in 0..<policies {
            generated += 1
            if tiered, chance(3) {
                accepted += 1
                snapshot.upsert(.clusterPolicy(clusterPolicy(index)))
            } else if var model = policy(index) {
                accepted += 1
                if tiered, case .calicoPolicy(var calico) = model, !chance(3) {
                    calico.tier = pick(["t1", "t2", "kube-admin", "kube-baseline", "default"])
                    model = .calicoPolicy(calico)
                }
                snapshot.upsert(model)
            }
        }
    }

    /// A random admin policy of either level, built as the decoder would leave it.
    mutating func clusterPolicy(_ index: Int) -> ClusterNetworkPolicy {
        func selector(_ key: String, _ values: [String]) -> LabelSelector {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: return .everything
            case 1: return LabelSelector(matchLabels: [key: pick(values)])
            default:
                return LabelSelector(requirements: [.init(key: key, operator: .notIn, values: [pick(values)])])
            }
        }
        func pods() -> ClusterNetworkPolicy.PodsSelection {
            .init(namespaceSelector: selector("team", ["x", "y"]), podSelector: selector("app", Self.apps))
        }
        func rule(egress: Bool) -> ClusterNetworkPolicy.Rule {
            var peers: [ClusterNetworkPolicy.Peer] = []
            for _ in 0..<Int.random(in: 1...2, using: &random) {
                switch Int.random(in: 0..<(egress ? 5 : 2), using: &random) {
                case 0: peers.append(.namespaces(selector("team", ["x", "y"])))
                case 1: peers.append(.pods(pods()))
                case 2: peers.append(.networks([CIDR(pick(["10.0.0.0/29", "0.0.0.0/0", "8.8.8.0/24"]))!]))
                case 3: peers.append(.nodes(selector("role", ["infra", "edge"])))
                default: peers.append(.domainNames(["example.com"]))
                }
            }
            let action: ClusterNetworkPolicy.Action = pick([.accept, .deny, .pass])
            let onlyPods = !peers.contains { if case .pods = $0 { false } else if case .namespaces = $0 { false } else { true } }
            var ports: [ClusterNetworkPolicy.Port] = []
            if chance(2) {
                for _ in 0..<Int.random(in: 1...2, using: &random) {
                    if onlyPods, chance(3) {
                        ports.append(.named(pick(["http", "dns", "grpc"])))
                    } else {
                        let low = pick([53, 80, 8000])
                        ports.append(.range(pick([.tcp, .tcp, .udp, .sctp]), low, low + pick([0, 0, 100])))
                    }
                }
            }
            if peers.contains(where: { if case .domainNames = $0 { true } else { false } }) {
                return ClusterNetworkPolicy.Rule(name: "r\(index)", action: .accept, peers: peers, ports: ports)
            }
            return ClusterNetworkPolicy.Rule(name: chance(2) ? "r\(index)" : nil, action: action, peers: peers, ports: ports)
        }
        let level: ClusterNetworkPolicy.Level = pick([.admin, .baseline])
        let subject: ClusterNetworkPolicy.Subject = chance(2) ? .namespaces(selector("team", ["x", "y"])) : .pods(pods())
        var ingress: [ClusterNetworkPolicy.Rule] = []
        var egress: [ClusterNetworkPolicy.Rule] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) { ingress.append(rule(egress: false)) }
        for _ in 0..<Int.random(in: 0...3, using: &random) { egress.append(rule(egress: true)) }
        return ClusterNetworkPolicy(
            name: "c\(index)", level: level, priority: pick([1, 10, 10, 500]), subject: subject, ingress: ingress,
            egress: egress)
    }

    /// A random policy of either family, named for `index` (nil when the decoder refuses it).
    mutating func policy(_ index: Int) -> DecodedObject.Model? {
        let document: String
        switch Int.random(in: 0..<3, using: &random) {
        case 0:
            document =
                #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"k\#(index)","namespace":"\#(pick(["a", "b", "c"]))"},"spec":\#(kubernetesSpec())}"#
        case 1:
            document =
                #"{"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"n\#(index)","namespace":"\#(pick(["a", "b", "c"]))"},"spec":\#(calicoSpec(global: false))}"#
        default:
            document =
                #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g\#(index)"},"spec":\#(calicoSpec(global: true))}"#
        }
        guard let value = try? JSONParser.parse(document), let decoded = try? ObjectDecoder.decode(value) else { return nil }
        return decoded.model
    }

    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
    /// True one time in `n`.
    mutating func chance(_ n: Int) -> Bool { Int.random(in: 0..<n, using: &random) == 0 }

    /// `[a, b, ...]` of `least` to `most` generated items.
    mutating func list(least: Int = 0, most: Int, _ item: (inout RandomCluster) -> String) -> String {
        var items: [String] = []
        for _ in 0..<Int.random(in: least...most, using: &random) { items.append(item(&self)) }
        return "[" + items.joined(separator: ",") + "]"
    }

    mutating func labelSelector() -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return "{}"
        case 1: return #"{"matchLabels":{"app":"\#(pick(Self.apps))"}}"#
        case 2:
            return #"{"matchExpressions":[{"key":"app","operator":"In","values":["\#(pick(Self.apps))","\#(pick(Self.apps))"]}]}"#
        default: return #"{"matchExpressions":[{"key":"tier","operator":"\#(pick(["Exists", "DoesNotExist"]))"}]}"#
        }
    }

    mutating func kubernetesSpec() -> String {
        var members = [#""podSelector":\#(labelSelector())"#]
        if !chance(3) {
            members.append(#""ingress":\#(list(least: chance(8) ? 0 : 1, most: 3) { $0.kubernetesRule(peers: "from") })"#)
        }
        if !chance(3) {
            members.append(#""egress":\#(list(least: chance(8) ? 0 : 1, most: 3) { $0.kubernetesRule(peers: "to") })"#)
        }
        if chance(2) { members.append(#""policyTypes":\#(pick([#"["Ingress"]"#, #"["Egress"]"#, #"["Ingress","Egress"]"#]))"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    mutating func kubernetesRule(peers key: String) -> String {
        var members: [String] = []
        if chance(3) { members.append(#""\#(key)":\#(list(most: 2) { $0.kubernetesPeer() })"#) }
        if !chance(4) { members.append(#""ports":\#(list(least: 1, most: 3) { $0.kubernetesPort() })"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    mutating func kubernetesPeer() -> String {
        switch Int.random(in: 0..<5, using: &random) {
        case 0: return #"{"podSelector":\#(labelSelector())}"#
        case 1: return #"{"namespaceSelector":{"matchLabels":{"team":"\#(pick(["x", "y"]))"}}}"#
        case 2: return #"{"namespaceSelector":{},"podSelector":\#(labelSelector())}"#
        case 3: return #"{"ipBlock":{"cidr":"10.0.0.0/29","except":["10.0.0.4/30"]}}"#
        default: return #"{"ipBlock":{"cidr":"\#(pick(["0.0.0.0/0", "fd00::/8", "8.8.0.0/16"]))"}}"#
        }
    }

    mutating func kubernetesPort() -> String {
        let proto = chance(2) ? "" : #""protocol":"\#(pick(["TCP", "UDP", "SCTP"]))","#
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return "{" + String(proto.dropLast()) + "}"
        case 1: return "{" + proto + #""port":\#(pick([53, 80, 443, 8080, 9100]))"# + "}"
        case 2:
            return "{" + proto
                + pick([#""port":1,"endPort":1024"#, #""port":8000,"endPort":8100"#, #""port":30000,"endPort":32767"#]) + "}"
        default: return "{" + proto + #""port":"\#(pick(["http", "dns", "metrics", "grpc"]))""# + "}"
        }
    }

    mutating func calicoSpec(global: Bool) -> String {
        var members = [#""selector":"\#(pick(["all()", "app == 'web'", "app != 'db'", "has(tier)", "app in {'db', 'cache'}"]))""#]
        if chance(2) { members.append(#""order":\#(pick([1, 100, 1000, 1500]))"#) }
        if global, chance(3) { members.append(#""namespaceSelector":"team == '\#(pick(["x", "y"]))'""#) }
        if !chance(3) { members.append(#""ingress":\#(list(least: 1, most: 4) { $0.calicoRule() })"#) }
        if !chance(3) { members.append(#""egress":\#(list(least: 1, most: 4) { $0.calicoRule() })"#) }
        if chance(2) { members.append(#""types":\#(pick([#"["Ingress"]"#, #"["Egress"]"#, #"["Ingress","Egress"]"#, "[]"]))"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    mutating func calicoRule() -> String {
        var members = [#""action":"\#(pick(["Allow", "Allow", "Deny", "Log", "Pass"]))""#]
        // Numeric ports need a protocol that has ports; without one, only named ports may be listed.
        var numeric = false
        if chance(8) {
            members = [#""action":"Allow""#, #""protocol":"ICMP""#, #""icmp":{"type":8}"#]
            return "{" + members.joined(separator: ",") + "}"
        }
        if !chance(3) {
            members.append(#""protocol":"\#(pick(["TCP", "TCP", "UDP", "SCTP", "UDPLite"]))""#)
            numeric = true
        } else if chance(3) {
            members.append(#""notProtocol":"\#(pick(["TCP", "UDP"]))""#)
        }
        // The generated nets are IPv4: an IPv6 rule lists none.
        let version = chance(5) ? pick([4, 6]) : nil
        if let version { members.append(#""ipVersion":\#(version)"#) }
        let nets = version != 6
        if chance(4) { members.append(#""source":\#(calicoEntity(ports: chance(10), numeric: numeric, nets: nets))"#) }
        if !chance(3) { members.append(#""destination":\#(calicoEntity(ports: true, numeric: numeric, nets: nets))"#) }
        return "{" + members.joined(separator: ",") + "}"
    }

    mutating func calicoEntity(ports: Bool, numeric: Bool, nets: Bool) -> String {
        var members: [String] = []
        if chance(4) { members.append(#""selector":"\#(pick(["all()", "app == 'web'", "has(tier)"]))""#) }
        if chance(5) { members.append(#""notSelector":"app == '\#(pick(Self.apps))'""#) }
        if chance(5) { members.append(#""namespaceSelector":"team == '\#(pick(["x", "y"]))'""#) }
        if nets, chance(4) { members.append(#""nets":["\#(pick(["10.0.0.0/29", "8.8.8.0/24", "0.0.0.0/0"]))"]"#) }
        if nets, chance(6) { members.append(#""notNets":["10.0.0.4/30"]"#) }
        if ports {
            if !chance(3) { members.append(#""ports":\#(list(least: 1, most: 3) { $0.calicoPort(numeric: numeric) })"#) }
            if chance(4) { members.append(#""notPorts":\#(list(least: 1, most: 2) { $0.calicoPort(numeric: numeric) })"#) }
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    mutating func calicoPort(numeric: Bool) -> String {
        switch numeric ? Int.random(in: 0..<3, using: &random) : 2 {
        case 0: return String(pick([53, 80, 443, 8080, 9100]))
        case 1: return #""\#(pick(["1:1024", "8000:8100", "30000:32767", "8080:8080"]))""#
        default: return #""\#(pick(["http", "dns", "metrics", "grpc"]))""#
        }
    }

    /// An endpoint as a client may name it: a stored pod, a pod's address, an outside address, or a workload.
    mutating func endpoint() -> Endpoint {
        let pod = pick(pods)
        switch Int.random(in: 0..<6, using: &random) {
        case 0, 1: return .pod(namespace: pod.namespace, name: pod.name)
        case 2: return .address(pick(pod.ips))
        case 3: return .address(IPAddress(pick(["8.8.8.8", "10.0.0.200", "fd00::99"]))!)
        case 4: return .workload(namespace: pick(["a", "b"]), labels: ["app": pick(Self.apps)], ip: nil)
        default:
            return .workload(
                namespace: pick(["a", "c"]), labels: ["app": pick(Self.apps), "tier": "1"], ip: IPAddress("10.0.0.3")!)
        }
    }
}

/// The single-port walk and the every-port walk are written separately for speed; they must agree.
@Suite struct PortAnswerAgreementTests {
    @Test func aSinglePortAnswerIsMembershipInTheEveryPortAnswer() throws {
        var allowedPorts = 0
        var deniedPorts = 0
        var partial = 0
        for seed in 1...16 as ClosedRange<UInt64> {
            var cluster = RandomCluster(seed: seed, tiered: seed % 2 == 0)
            #expect(cluster.accepted * 10 >= cluster.generated * 9, "seed \(seed): the decoder refused generated policies")
            let compiled = CompiledPolicySet(cluster.snapshot)
            for _ in 0..<40 {
                let source = cluster.endpoint()
                let destination = cluster.endpoint()
                let proto = cluster.pick([TransportProtocol.tcp, .tcp, .tcp, .udp, .sctp])
                let every = try compiled.decide(
                    DecisionRequest(source: source, destination: destination, port: nil, protocol: proto))
                let ports = try #require(every.ports)
                if !ports.isAll && !ports.isEmpty { partial += 1 }
                var probes = RandomCluster.probePorts
                for _ in 0..<3 { probes.append(Int.random(in: 1...65535, using: &cluster.random)) }
                for port in probes {
                    let single = try compiled.decide(
                        DecisionRequest(source: source, destination: destination, port: port, protocol: proto))
                    let context = "seed \(seed): \(source) -> \(destination) \(proto) \(port)"
                    #expect(single.allowed == ports.contains(port), "\(context)")
                    #expect(single.egress?.allowed == every.egress?.ports?.contains(port), "\(context) egress")
                    #expect(single.ingress?.allowed == every.ingress?.ports?.contains(port), "\(context) ingress")
                    if single.allowed { allowedPorts += 1 } else { deniedPorts += 1 }
                }
            }
        }
        // Not vacuous: both verdicts occur, and many answers allow some ports only.
        #expect(allowedPorts > 1000)
        #expect(deniedPorts > 1000)
        #expect(partial > 25)
    }
}
