import ArgumentParser
import MicroHTTP
import PolicyAPI
import PolicyCore
import SeededRandom

extension Bench {
    /// Reviews of a change on the synthetic cluster: what one changed policy, and a bundle of a
    /// hundred, would open or close. In process (the compiled set and index updated as a preview
    /// does, then the diff) or over HTTP (`POST /v1/connectivity/diff` against a server holding the
    /// cluster: parse, dry run, update, diff, JSON).
    struct DiffTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "diff", abstract: "Time connectivity diffs of changed policies, in process or over HTTP (--server).")

        @OptionGroup var size: ClusterSize

        @Option(help: "Diffs to time per bundle size.")
        var queries = 20

        @Option(help: "Grouping of the answer: pod, workload or namespace.")
        var groupBy = "namespace"

        @Option(help: "A server holding this cluster: time the diffs over HTTP instead.")
        var server: String?

        /// A realistic edit of a stored policy: a Kubernetes policy's first ingress rule opens 8443
        /// instead of its ports; a Calico policy's first rule flips between allowing and denying.
        static func edited(_ document: JSONValue) -> JSONValue {
            guard case .object(var object) = document, case .object(var spec)? = object["spec"],
                case .array(var rules)? = spec["ingress"], case .object(var rule)? = rules.first
            else { return document }
            if object["apiVersion"] == .string("networking.k8s.io/v1") {
                rule["ports"] = .array([.object(["port": .integer(8443)])])
            } else {
                rule["action"] = rule["action"] == .string("Allow") ? "Deny" : "Allow"
            }
            rules[0] = .object(rule)
            spec["ingress"] = .array(rules)
            object["spec"] = .object(spec)
            return .object(object)
        }

        /// `count` different numbers below `total` (a bundle names each object once).
        static func distinct(_ count: Int, of total: Int, _ random: inout SplitMix64) -> [Int] {
            var chosen: [Int] = []
            var seen: Set<Int> = []
            while chosen.count < min(count, total) {
                let next = Int.random(in: 0..<total, using: &random)
                if seen.insert(next).inserted { chosen.append(next) }
            }
            return chosen
        }

        func run() throws {
            guard let grouping = ConnectivityQuery.Grouping(rawValue: groupBy) else {
                throw ValidationError("--group-by must be pod, workload or namespace")
            }
            let cluster = size.cluster
            let policies = cluster.documents().filter {
                if case .string(let kind)? = $0["kind"] { return kind.hasSuffix("NetworkPolicy") }
                return false
            }
            var random = SplitMix64(state: 23)
            let row = Measure.row
            let bundles: [(name: String, size: Int)] = [("one changed policy", 1), ("100 changed policies", 100)]
            let clock = ContinuousClock()
            if let server {
                // The first namespace diff after a load keeps the store's matrix (as the index is
                // kept): time it apart, as the reachability rows time the index build apart.
                let first = clock.now
                let warm = try HTTPClient.send(
                    method: "POST", url: server + "/v1/connectivity/diff?groupBy=\(groupBy)",
                    headers: [("Content-Type", "application/json")],
                    body: JSONWriter.bytes(
                        .object(["apiVersion": "v1", "kind": "List", "items": .array([Self.edited(policies[0])])])))
                guard warm.status == 200 else { throw ValidationError("diff: \(warm.status) \(warm.bodyText.prefix(300))") }
                print(
                    row(
                        "first diff (keeps the matrix) (HTTP)", Measure.format(Measure.nanoseconds(clock.now - first) / 1e6, "ms")
                    ))
                for (name, count) in bundles {
                    var samples: [Double] = []
                    var listed = 0
                    for _ in 0..<queries {
                        let chosen = Self.distinct(count, of: policies.count, &random).map { Self.edited(policies[$0]) }
                        let body = JSONWriter.bytes(.object(["apiVersion": "v1", "kind": "List", "items": .array(chosen)]))
                        let start = clock.now
                        let response = try HTTPClient.send(
                            method: "POST", url: server + "/v1/connectivity/diff?groupBy=\(groupBy)",
                            headers: [("Content-Type", "application/json")], body: body)
                        samples.append(Measure.nanoseconds(clock.now - start))
                        guard response.status == 200 else {
                            throw ValidationError("diff: \(response.status) \(response.bodyText.prefix(300))")
                        }
                        let answer = try JSONParser.parse(response.body)
                        if case .integer(let changed)? = answer["summary"]?["pairsChanged"] { listed += Int(changed) }
                    }
                    samples.sort()
                    print(
                        row(
                            "diff, \(name) p50 (HTTP)",
                            Measure.format(Measure.percentile(samples, 0.5) / 1e6, "ms")
                                + " (p99 \(Measure.format(Measure.percentile(samples, 0.99) / 1e6, "ms")), \(listed / queries) changes listed)"
                        ))
                }
                return
            }
            let snapshot = try cluster.snapshot()
            let set = CompiledPolicySet(snapshot, jobs: .cores)
            let index = ConnectivityIndex(set)
            // The server keeps the namespace matrix of the revision diffs compare against.
            let cells =
                grouping == .namespace
                ? NamespaceCells(ConnectivityVersion(set: set, index: index), port: nil, protocol: nil, jobs: .cores) : nil
            for (name, count) in bundles {
                var samples: [Double] = []
                var listed = 0
                var updated = 0
                for _ in 0..<queries {
                    let changes = try Self.distinct(count, of: policies.count, &random).map {
                        CompiledPolicySet.Change.upsert(try ObjectDecoder.decode(Self.edited(policies[$0])).model)
                    }
                    var next = snapshot
                    for case .upsert(let model) in changes { next.upsert(model) }
                    next.revision += 1
                    let start = clock.now
                    let after = set.applying(changes, revision: next.revision, snapshot: next, jobs: .cores)
                    let made = index.applying(changes, to: after)
                    if made != nil { updated += 1 }
                    let diff = try ConnectivityDiff(
                        before: ConnectivityVersion(set: set, index: index),
                        after: ConnectivityVersion(set: after, index: made ?? ConnectivityIndex(after)),
                        query: ConnectivityQuery(groupBy: grouping), limit: .max, jobs: .cores, cells: cells)
                    samples.append(Measure.nanoseconds(clock.now - start))
                    listed += diff.changes.count
                }
                samples.sort()
                print(
                    row(
                        "diff, \(name) p50 (in process)",
                        Measure.format(Measure.percentile(samples, 0.5) / 1e6, "ms")
                            + " (p99 \(Measure.format(Measure.percentile(samples, 0.99) / 1e6, "ms")), \(listed / queries) changes listed, index updated \(updated)/\(queries))"
                    ))
            }
        }
    }
}
