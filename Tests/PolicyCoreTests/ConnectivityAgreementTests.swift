import PolicyCore
import SeededRandom
import Testing

/// Set answers are the union of the single decisions they summarise: on random clusters of both
/// policy families, every pair a reachability or connectivity answer lists has exactly the ports
/// `decide` allows on every port of each protocol, every pair it leaves out has none, and a random
/// port is allowed exactly when the listed ports hold it. Addresses outside the pods are checked by
/// asking `decide` about an address inside each listed range and about addresses in no range.
@Suite struct ConnectivityAgreementTests {
    /// What `decide` allows between two endpoints, per protocol, on every port.
    static func decided(_ set: CompiledPolicySet, _ source: Endpoint, _ destination: Endpoint) throws -> ProtocolPorts {
        var result = ProtocolPorts.none
        for proto in TransportProtocol.allCases {
            let decision = try set.decide(DecisionRequest(source: source, destination: destination, port: nil, protocol: proto))
            result[proto] = decision.ports ?? .empty
        }
        return result
    }

    static func endpoint(_ name: String) -> Endpoint {
        let parts = name.split(separator: "/")
        return .pod(namespace: String(parts[0]), name: String(parts[1]))
    }

    /// Addresses worth probing: every pod-free address next to a boundary the generator writes, and some random ones.
    static func probeAddresses(_ cluster: inout RandomCluster) -> [IPAddress] {
        var texts = [
            "8.8.8.8", "10.0.0.0", "10.0.0.200", "10.0.0.255", "10.0.1.0", "10.255.255.255", "11.0.0.0", "9.255.255.255",
            "192.168.1.1", "0.0.0.0", "255.255.255.255", "fd00::99", "fd00::", "::", "2001:db8::1", "fe80::1",
        ]
        for _ in 0..<6 { texts.append("10.0.0.\(Int.random(in: 20...254, using: &cluster.random))") }
        let taken = Set(cluster.pods.flatMap(\.ips))
        return texts.compactMap(IPAddress.init).filter { !taken.contains($0) }
    }

    @Test(arguments: Array(1...24) as [UInt64])
    func reachabilityListsExactlyWhatDecideAllows(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 300, pods: 14, policies: 14, tiered: seed % 2 == 1)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        let names = cluster.pods.map { "\($0.namespace)/\($0.name)" }
        let probes = Self.probeAddresses(&cluster)
        var listed = 0
        // Answers start from the walks of earlier ones, as the server's do; every one is checked.
        var walks: WalkCache?
        for (position, target) in names.enumerated() {
            for direction in [CompiledPolicySet.ReachDirection.to, .from] {
                let answer = try set.reachability(
                    direction, Self.endpoint(target), port: nil, protocol: nil, index: index, walks: walks)
                walks = answer.walks ?? walks
                // Streamed in small pieces, the pods list is the same bytes as written at once.
                var whole: [UInt8] = []
                answer.writePodsJSON(into: &whole)
                let next = answer.podsJSONPieces(piece: 48)
                var pieces: [UInt8] = []
                while let piece = next() { pieces += piece }
                #expect(pieces == whole)
                let byPod = Dictionary(uniqueKeysWithValues: answer.pods.map { ($0.pod, $0.ports) })
                #expect(byPod[target] == nil, "a pod is never listed with itself")
                for (other, name) in names.enumerated() where other != position {
                    let expected =
                        direction == .to
                        ? try Self.decided(set, Self.endpoint(name), Self.endpoint(target))
                        : try Self.decided(set, Self.endpoint(target), Self.endpoint(name))
                    #expect((byPod[name] ?? .none) == expected, "seed \(seed): \(direction) \(target), pod \(name)")
                    if byPod[name] != nil { listed += 1 }
                }
                for address in probes {
                    let entry = answer.addresses.first { $0.cidr.contains(address) }
                    let expected =
                        direction == .to
                        ? try Self.decided(set, .address(address), Self.endpoint(target))
                        : try Self.decided(set, Self.endpoint(target), .address(address))
                    #expect((entry?.ports ?? .none) == expected, "seed \(seed): \(direction) \(target), address \(address)")
                }
                // Listed ranges never overlap.
                for (first, entry) in answer.addresses.enumerated() {
                    for other in answer.addresses[(first + 1)...] {
                        #expect(!entry.cidr.contains(other.cidr) && !other.cidr.contains(entry.cidr))
                    }
                }
            }
        }
        // A pod that is not stored (evaluated pair by pair, outside the index) answers the same way.
        let hypothetical = Endpoint.workload(namespace: "a", labels: ["app": "web", "tier": "1"], ip: nil)
        for direction in [CompiledPolicySet.ReachDirection.to, .from] {
            let answer = try set.reachability(direction, hypothetical, port: nil, protocol: nil, index: index)
            let byPod = Dictionary(uniqueKeysWithValues: answer.pods.map { ($0.pod, $0.ports) })
            for name in names {
                let expected =
                    direction == .to
                    ? try Self.decided(set, Self.endpoint(name), hypothetical)
                    : try Self.decided(set, hypothetical, Self.endpoint(name))
                #expect((byPod[name] ?? .none) == expected, "seed \(seed): \(direction) a hypothetical web pod, pod \(name)")
            }
        }
        // Not vacuous without tiers; a tiered cluster may deny everything (a Deny-default tier whose
        // policy selects every pod), and the agreement above is what it checks.
        #expect(listed > 0 || seed % 2 == 1)
    }

    @Test(arguments: Array(1...16) as [UInt64])
    func connectivityOfPodsIsEveryPairDecideAllows(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 700, pods: 14, policies: 14, tiered: seed % 2 == 1)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        let names = cluster.pods.map { "\($0.namespace)/\($0.name)" }
        let answer = try set.connectivity(ConnectivityQuery(externals: true), index: index, limit: 1_000_000).all()
        var byPair: [String: ProtocolPorts] = [:]
        for entry in answer {
            #expect(byPair["\(entry.from) \(entry.to)"] == nil, "listed twice: \(entry.from) -> \(entry.to)")
            byPair["\(entry.from) \(entry.to)"] = entry.ports
            #expect(!entry.ports.isEmpty)
        }
        for source in names {
            for destination in names where source != destination {
                let expected = try Self.decided(set, Self.endpoint(source), Self.endpoint(destination))
                #expect((byPair["\(source) \(destination)"] ?? .none) == expected, "seed \(seed): \(source) -> \(destination)")
                // A single port answers as the listed ranges say.
                let port = cluster.pick(RandomCluster.probePorts)
                let proto = cluster.pick(TransportProtocol.allCases)
                let single = try set.decide(
                    DecisionRequest(
                        source: Self.endpoint(source), destination: Self.endpoint(destination), port: port, protocol: proto))
                #expect(single.allowed == (byPair["\(source) \(destination)"]?[proto].contains(port) ?? false))
            }
        }
        // Address ranges as destinations: each listed range answers as decide does for an address in it.
        for address in Self.probeAddresses(&cluster) {
            for source in names {
                let entry = answer.first { $0.from == source && CIDR($0.to)?.contains(address) == true }
                let expected = try Self.decided(set, Self.endpoint(source), .address(address))
                #expect((entry?.ports ?? .none) == expected, "seed \(seed): \(source) -> \(address)")
            }
        }
    }

    @Test(arguments: Array(1...6) as [UInt64])
    func narrowingToOnePortOrNamespaceKeepsExactlyThosePairs(seed: UInt64) throws {
        let cluster = RandomCluster(seed: seed + 900, pods: 12, policies: 12, tiered: seed % 2 == 1)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        let everything = try set.connectivity(ConnectivityQuery(), index: index, limit: 1_000_000).all()
        for (port, proto) in [(80, TransportProtocol.tcp), (53, .udp), (7000, .sctp), (8080, .tcp)] {
            let narrowed = try set.connectivity(
                ConnectivityQuery(port: port, protocol: proto), index: index, limit: 1_000_000
            ).all()
            let expected = everything.filter { $0.ports[proto].contains(port) }.map { "\($0.from) \($0.to)" }
            #expect(narrowed.map { "\($0.from) \($0.to)" } == expected)
            #expect(narrowed.allSatisfy { $0.ports == ProtocolPorts.none.union(Self.only(port, proto)) })
        }
        let scoped = try set.connectivity(ConnectivityQuery(namespaces: ["a"]), index: index, limit: 1_000_000).all()
        #expect(scoped == everything.filter { $0.from.hasPrefix("a/") || $0.to.hasPrefix("a/") })
        // Workloads too (each pod is its own here), from the narrower table of class pairs.
        let workloads = try set.connectivity(ConnectivityQuery(groupBy: .workload), index: index, limit: 1_000_000).all()
        let scopedWorkloads = try set.connectivity(
            ConnectivityQuery(namespaces: ["a"], groupBy: .workload), index: index, limit: 1_000_000
        ).all()
        #expect(scopedWorkloads == workloads.filter { $0.from.hasPrefix("a/") || $0.to.hasPrefix("a/") })
        let strip = { (name: String) in name.hasSuffix("[Pod]") ? String(name.dropLast(5)) : name }
        #expect(
            Set(workloads.map { "\(strip($0.from)) \(strip($0.to)) \($0.ports)" })
                == Set(everything.map { "\($0.from) \($0.to) \($0.ports)" }))
    }

    static func only(_ port: Int, _ proto: TransportProtocol) -> ProtocolPorts {
        var result = ProtocolPorts.none
        result[proto] = PortSet(port)
        return result
    }

    @Test(arguments: Array(1...6) as [UInt64])
    func namespaceCellsCountThePodPairsWithAnythingAllowed(seed: UInt64) throws {
        let cluster = RandomCluster(seed: seed + 1100, pods: 14, policies: 14, tiered: seed % 2 == 1)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        let pods = try set.connectivity(ConnectivityQuery(), index: index, limit: 1_000_000).all()
        let cells = try set.connectivity(ConnectivityQuery(groupBy: .namespace), index: index, limit: 1_000_000).all()
        let sizes = Dictionary(grouping: cluster.pods, by: \.namespace).mapValues(\.count)
        for from in sizes.keys {
            for to in sizes.keys {
                let pairs = pods.filter { $0.from.hasPrefix(from + "/") && $0.to.hasPrefix(to + "/") }
                let cell = cells.first { $0.from == from && $0.to == to }
                #expect((cell?.allowedPairs ?? 0) == pairs.count, "seed \(seed): \(from) -> \(to)")
                if let cell {
                    #expect(cell.totalPairs == sizes[from]! * sizes[to]! - (from == to ? sizes[from]! : 0))
                    #expect(cell.ports == pairs.reduce(ProtocolPorts.none) { $0.union($1.ports) })
                }
            }
        }
    }

    @Test func anAnswerOverTheLimitIsRefusedNamingHowToNarrowIt() throws {
        let cluster = RandomCluster(seed: 5, pods: 14, policies: 2)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        #expect {
            _ = try set.connectivity(ConnectivityQuery(), index: index, limit: 3)
        } throws: { error in
            guard let error = error as? DecisionError else { return false }
            return error.field == "groupBy" && error.message.contains("namespace=")
        }
        #expect(throws: DecisionError.self) {
            _ = try set.connectivity(ConnectivityQuery(namespaces: ["nowhere"]), index: index, limit: 3)
        }
    }

    @Test func pairsOfWorkloadsAllowWhatEveryPairOfTheirPodsAllows() throws {
        var snapshot = PolicySnapshot(revision: 1)
        snapshot.upsert(.namespace(Namespace(name: "shop", labels: [:])))
        let owner = { (kind: String, name: String) in [OwnerReference(kind: kind, name: name)] }
        let pods = [
            Pod(
                namespace: "shop", name: "web-7d9-a", labels: ["app": "web", "pod-template-hash": "7d9"],
                ips: [IPAddress("10.0.0.1")!], owners: owner("ReplicaSet", "web-7d9")),
            Pod(
                namespace: "shop", name: "web-7d9-b", labels: ["app": "web", "pod-template-hash": "7d9", "canary": "yes"],
                ips: [IPAddress("10.0.0.2")!], owners: owner("ReplicaSet", "web-7d9")),
            Pod(
                namespace: "shop", name: "db-0", labels: ["app": "db"], ips: [IPAddress("10.0.0.3")!],
                owners: owner("StatefulSet", "db")),
            Pod(namespace: "shop", name: "debug", labels: ["app": "debug"], ips: [IPAddress("10.0.0.4")!]),
        ]
        for pod in pods { snapshot.upsert(.pod(pod)) }
        // db takes 5432 from web pods only; the canary web pod may also use 6379.
        let policy = try ObjectDecoder.decode(
            try JSONParser.parse(
                #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":5432}]},{"from":[{"podSelector":{"matchLabels":{"canary":"yes"}}}],"ports":[{"port":6379}]}]}}"#
            ))
        snapshot.upsert(policy.model)
        let set = CompiledPolicySet(snapshot)
        let entries = try set.connectivity(ConnectivityQuery(groupBy: .workload), index: ConnectivityIndex(set), limit: 100).all()
        let byPair = Dictionary(uniqueKeysWithValues: entries.map { ("\($0.from) \($0.to)", $0.ports) })
        #expect(byPair["shop/web[Deployment] shop/db[StatefulSet]"] == Self.only(5432, .tcp))
        #expect(byPair["shop/debug[Pod] shop/db[StatefulSet]"] == nil)
        #expect(byPair["shop/web[Deployment] shop/web[Deployment]"] == .all)
        #expect(byPair["shop/db[StatefulSet] shop/db[StatefulSet]"] == nil, "one pod: no pair of two pods")
        #expect(byPair["shop/db[StatefulSet] shop/debug[Pod]"] == .all)
    }
}
