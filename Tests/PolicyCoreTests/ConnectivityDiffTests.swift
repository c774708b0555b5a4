import SeededRandom
import Testing

@testable import PolicyCore

/// A diff is connectivity after a change minus connectivity before it, pair for pair: on random
/// clusters and random changes (policies written and deleted, pods added, relabelled and deleted,
/// namespaces relabelled), for every grouping, with and without a scope, the diff lists exactly
/// the pairs whose answers differ, with both answers. An index updated from the previous one
/// answers exactly as one built afresh.
@Suite struct ConnectivityDiffTests {
    typealias Change = CompiledPolicySet.Change

    struct Cell: Equatable {
        let ports: ProtocolPorts
        let allowed: Int?
    }

    /// Every entry of a connectivity answer, by pair.
    static func cells(_ set: CompiledPolicySet, _ index: ConnectivityIndex, _ query: ConnectivityQuery) throws -> [[String]: Cell]
    {
        var result: [[String]: Cell] = [:]
        for entry in try set.connectivity(query, index: index, limit: .max).all() {
            result[[entry.from, entry.to]] = Cell(ports: entry.ports, allowed: entry.allowedPairs)
        }
        return result
    }

    /// A random change: policies only (the path that updates the index), or anything.
    static func changes(_ cluster: inout RandomCluster, policiesOnly: Bool, step: Int) -> [Change] {
        var changes: [Change] = []
        let policyKeys =
            Array(cluster.snapshot.networkPolicies.keys) + Array(cluster.snapshot.calicoPolicies.keys)
            + Array(cluster.snapshot.clusterPolicies.keys)
        for _ in 0..<Int.random(in: 1...4, using: &cluster.random) {
            switch Int.random(in: 0..<(policiesOnly ? 3 : 7), using: &cluster.random) {
            case 0, 1:
                // A new policy, or one replacing a stored policy of the same name.
                let number = cluster.chance(2) ? Int.random(in: 0..<20, using: &cluster.random) : 100 + step
                if cluster.chance(3) {
                    changes.append(.upsert(.clusterPolicy(cluster.clusterPolicy(number))))
                } else if let model = cluster.policy(number) {
                    changes.append(.upsert(model))
                }
            case 2:
                if cluster.chance(4) {
                    // The admin policies that select Nodes by label change with them.
                    let labels = ["role": cluster.pick(["infra", "edge"])]
                    changes.append(.upsert(.node(ClusterNode(name: "n1", labels: labels, addresses: [IPAddress("10.0.0.200")!]))))
                } else if !policyKeys.isEmpty {
                    changes.append(.remove(cluster.pick(policyKeys)))
                }
            case 3:
                var pod = cluster.pick(cluster.pods)
                pod = Pod(
                    namespace: pod.namespace, name: pod.name,
                    labels: ["app": cluster.pick(RandomCluster.apps), "tier": cluster.pick(["1", "2"])], ips: pod.ips,
                    namedPorts: pod.namedPorts)
                changes.append(.upsert(.pod(pod)))
            case 4:
                let number = 200 + step
                let pod = Pod(
                    namespace: cluster.pick(["a", "b", "c"]), name: "new\(number)",
                    labels: ["app": cluster.pick(RandomCluster.apps)], ips: [IPAddress(ipv4: 0x0A00_0000 | UInt32(number))],
                    namedPorts: RandomCluster.namedPorts.filter { _ in cluster.chance(2) })
                changes.append(.upsert(.pod(pod)))
            case 5:
                let pod = cluster.pick(cluster.pods)
                changes.append(.remove(ObjectKey(kind: .pod, namespace: pod.namespace, name: pod.name)))
            default:
                let name = cluster.pick(["a", "b", "c"])
                changes.append(.upsert(.namespace(Namespace(name: name, labels: ["team": cluster.pick(["x", "y", "z"])]))))
            }
        }
        return changes
    }

    @Test(arguments: Array(1...20) as [UInt64])
    func theDiffIsConnectivityAfterMinusBefore(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 700, pods: 12, policies: 12, tiered: seed % 2 == 1)
        var snapshot = cluster.snapshot
        var set = CompiledPolicySet(snapshot)
        var index = ConnectivityIndex(set)
        var updated = 0
        var listedPairs = 0
        for step in 0..<6 {
            let changes = Self.changes(&cluster, policiesOnly: step % 2 == 0, step: step)
            var next = snapshot
            for change in changes {
                switch change {
                case .upsert(let model): next.upsert(model)
                case .remove(let key): next.remove(key)
                }
            }
            next.revision = snapshot.revision + 1
            let after = set.applying(changes, revision: next.revision, snapshot: next)
            let fresh = ConnectivityIndex(after)
            let afterIndex: ConnectivityIndex
            if let made = index.applying(changes, to: after) {
                updated += 1
                afterIndex = made
                for grouping in ConnectivityQuery.Grouping.allCases {
                    let query = ConnectivityQuery(groupBy: grouping, externals: true)
                    #expect(
                        try Self.cells(after, made, query) == Self.cells(after, fresh, query),
                        "an updated index answers as a fresh one (seed \(seed), step \(step), \(grouping))")
                }
            } else {
                afterIndex = fresh
            }
            let scopes: [[String]?] = [nil, [cluster.pick(["a", "b", "c"])]]
            for grouping in ConnectivityQuery.Grouping.allCases {
                for scope in scopes {
                    let port = cluster.chance(4) ? cluster.pick(RandomCluster.probePorts) : nil
                    let query = ConnectivityQuery(namespaces: scope, groupBy: grouping, port: port)
                    let diff = try ConnectivityDiff(
                        before: ConnectivityVersion(set: set, index: index),
                        after: ConnectivityVersion(set: after, index: afterIndex), query: query, limit: .max)
                    if grouping == .namespace {
                        // A kept matrix of the earlier revision gives the same diff.
                        let kept = NamespaceCells(ConnectivityVersion(set: set, index: index), port: port, protocol: nil)
                        let again = try ConnectivityDiff(
                            before: ConnectivityVersion(set: set, index: index),
                            after: ConnectivityVersion(set: after, index: afterIndex), query: query, limit: .max, cells: kept)
                        #expect(again.changes == diff.changes, "seed \(seed), step \(step), kept matrix")
                    }
                    let old = try Self.cells(set, ConnectivityIndex(set), query)
                    let new = try Self.cells(after, fresh, query)
                    var expected: [[String]: (Cell, Cell)] = [:]
                    let none = Cell(ports: .none, allowed: grouping == .namespace ? 0 : nil)
                    for pair in Set(old.keys).union(new.keys) where old[pair] != new[pair] {
                        expected[pair] = (old[pair] ?? none, new[pair] ?? none)
                    }
                    listedPairs += diff.changes.count
                    var listed: [[String]: (Cell, Cell)] = [:]
                    for change in diff.changes {
                        listed[[change.from, change.to]] = (
                            Cell(ports: change.before, allowed: change.pairsBefore?.allowed),
                            Cell(ports: change.after, allowed: change.pairsAfter?.allowed)
                        )
                    }
                    #expect(
                        listed.keys.sorted { $0.lexicographicallyPrecedes($1) }
                            == expected.keys.sorted { $0.lexicographicallyPrecedes($1) },
                        "seed \(seed), step \(step), \(grouping), scope \(scope ?? []), changes \(changes.count)")
                    for (pair, answers) in expected {
                        guard let found = listed[pair] else { continue }
                        #expect(found.0 == answers.0 && found.1 == answers.1, "\(pair): \(found) != \(answers)")
                    }
                    #expect(
                        diff.changes.map { [$0.from, $0.to] }
                            == diff.changes.map { [$0.from, $0.to] }.sorted { $0.lexicographicallyPrecedes($1) })
                }
            }
            snapshot = next
            set = after
            index = afterIndex
        }
        #expect(updated > 0, "policy-only steps update the index (seed \(seed))")
        #expect(listedPairs > 0, "the changes change something (seed \(seed))")
    }

    /// The cells a diff computes for some columns and rows are the whole matrix's cells there.
    @Test(arguments: Array(1...16) as [UInt64])
    func someRowsAndColumnsOfTheMatrixAreTheWholeMatrixThere(seed: UInt64) throws {
        var cluster = RandomCluster(seed: seed + 900, pods: 16, policies: 14, tiered: seed % 2 == 1)
        let set = CompiledPolicySet(cluster.snapshot)
        let version = ConnectivityVersion(set: set, index: ConnectivityIndex(set))
        let port = cluster.chance(3) ? cluster.pick(RandomCluster.probePorts) : nil
        let query = ConnectivityQuery(groupBy: .namespace, port: port)
        let whole = DiffEngine.matrix(version, columns: nil, query: query, scope: nil, jobs: .sequential)
        let names = ["a", "b", "c"]
        let columns = Set(names.filter { _ in cluster.chance(3) })
        let rows = Set(names.filter { _ in cluster.chance(2) })
        let part = DiffEngine.matrix(version, columns: columns, rows: rows, query: query, scope: nil, jobs: .sequential)
        let expected = whole.keys.filter { columns.contains($0[1]) || rows.contains($0[0]) }
        #expect(Set(part.keys) == Set(expected), "columns \(columns.sorted()), rows \(rows.sorted())")
        for (key, cell) in part {
            #expect(cell.ports == whole[key]?.ports && cell.count == whole[key]?.count, "\(key), seed \(seed)")
        }
    }

    @Test func aDiffOverTheLimitAsksToNarrow() throws {
        let cluster = RandomCluster(seed: 9, pods: 10, policies: 4)
        let set = CompiledPolicySet(cluster.snapshot)
        let index = ConnectivityIndex(set)
        var next = cluster.snapshot
        let removed = Array(next.networkPolicies.keys) + Array(next.calicoPolicies.keys)
        for key in removed { next.remove(key) }
        next.revision += 1
        let after = set.applying(removed.map(Change.remove), revision: next.revision, snapshot: next)
        let version = ConnectivityVersion(
            set: after, index: index.applying(removed.map(Change.remove), to: after) ?? ConnectivityIndex(after))
        let all = try ConnectivityDiff(
            before: ConnectivityVersion(set: set, index: index), after: version, query: ConnectivityQuery(), limit: .max)
        try #require(all.changes.count > 1)
        #expect(throws: DecisionError.self) {
            try ConnectivityDiff(
                before: ConnectivityVersion(set: set, index: index), after: version, query: ConnectivityQuery(), limit: 1)
        }
    }
}
