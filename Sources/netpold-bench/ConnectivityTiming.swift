import ArgumentParser
import MicroHTTP
import PolicyAPI
import PolicyCore
import SeededRandom

extension Bench {
    /// Set answers on the synthetic cluster: who can reach a pod, what it can reach, the namespace
    /// matrix and (on small clusters) every pod pair as CSV; in process, or over HTTP against a
    /// server that holds the same cluster (`generate` with the same sizes, imported).
    struct ConnectivityTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "connectivity",
            abstract: "Time reachability and connectivity answers, in process or over HTTP (--server).")

        @OptionGroup var size: ClusterSize

        @Option(help: "Reachability questions to time, half ?to= and half ?from=.")
        var queries = 200

        @Option(help: "A server holding this cluster: time the answers over HTTP instead.")
        var server: String?

        @Flag(help: "Also time the pod-level connectivity as CSV (every pod pair).")
        var podPairs = false

        @Flag(inversion: .prefixedNo, help: "Time the namespace matrix.")
        var matrix = true

        func run() throws {
            let cluster = size.cluster
            var random = SplitMix64(state: 11)
            let targets = (0..<queries).map { _ in
                "ns-\(Int.random(in: 0..<cluster.namespaces, using: &random))/pod-\(Int.random(in: 0..<cluster.podsPerNamespace, using: &random))"
            }
            let row = Measure.row
            if let server {
                try overHTTP(server, targets: targets, row: row)
                return
            }
            let snapshot = try cluster.snapshot()
            let set = CompiledPolicySet(snapshot, jobs: .cores)
            let compiledKB = Measure.residentKilobytes()
            let clock = ContinuousClock()
            var start = clock.now
            let index = ConnectivityIndex(set)
            let indexTime = Measure.nanoseconds(clock.now - start)
            var samples: [Double] = []
            var listed = 0
            // As the server does: each answer starts from the walks of the one before.
            var walks: WalkCache?
            for (position, target) in targets.enumerated() {
                let parts = target.split(separator: "/").map(String.init)
                start = clock.now
                let answer = try set.reachability(
                    position % 2 == 0 ? .to : .from, .pod(namespace: parts[0], name: parts[1]), port: nil, protocol: nil,
                    index: index, jobs: .cores, walks: walks)
                walks = answer.walks ?? walks
                samples.append(Measure.nanoseconds(clock.now - start))
                listed += answer.podCount
            }
            samples.sort()
            start = clock.now
            let cells =
                matrix
                ? try set.connectivity(ConnectivityQuery(groupBy: .namespace), index: index, limit: 1_000_000, jobs: .cores).all()
                    .count : 0
            let matrixTime = Measure.nanoseconds(clock.now - start)
            let afterKB = Measure.residentKilobytes()
            print(
                "cluster: \(set.podCount) pods, \(set.policyCount) policies; \(index.classCount) pod classes, \(index.atomCount) address ranges"
            )
            print(row("connectivity index build", Measure.format(indexTime / 1e6, "ms")))
            print(row("reachability p50 (in process)", Measure.format(Measure.percentile(samples, 0.5) / 1e6, "ms")))
            print(row("reachability p99 (in process)", Measure.format(Measure.percentile(samples, 0.99) / 1e6, "ms")))
            print(row("pods listed per answer", "\(listed / max(1, targets.count))"))
            if matrix {
                print(row("namespace matrix (in process)", Measure.format(matrixTime / 1e6, "ms") + " (\(cells) cells)"))
            }
            print(
                row(
                    "resident size: compiled, after",
                    "\(compiledKB / 1024) MiB, \(afterKB / 1024) MiB (+\(Measure.format(100 * Double(afterKB - compiledKB) / Double(max(1, compiledKB)), "%")))"
                ))
        }

        private func overHTTP(_ server: String, targets: [String], row: (String, String) -> String) throws {
            let clock = ContinuousClock()
            func get(_ path: String) throws -> (Double, HTTPResponse) {
                let start = clock.now
                let response = try HTTPClient.send(method: "GET", url: server + path)
                let elapsed = Measure.nanoseconds(clock.now - start)
                guard response.status == 200 else {
                    throw ValidationError("GET \(path): \(response.status) \(response.bodyText.prefix(300))")
                }
                return (elapsed, response)
            }
            // The first answer after a load builds the index; time it apart. Then a warm-up of as
            // many answers for other pods, not counted (as the wrk rows warm up): a server that has
            // answered a while has the walks of most rule tables kept.
            let (first, _) = try get("/v1/reachability?to=" + targets[0])
            var random = SplitMix64(state: 99)
            for position in 0..<targets.count {
                let namespace = Int.random(in: 0..<size.namespaces, using: &random)
                let pod = Int.random(in: 0..<size.pods, using: &random)
                _ = try get("/v1/reachability?\(position % 2 == 0 ? "to" : "from")=ns-\(namespace)/pod-\(pod)")
            }
            var samples: [Double] = []
            for (position, target) in targets.enumerated() {
                samples.append(try get("/v1/reachability?\(position % 2 == 0 ? "to" : "from")=" + target).0)
            }
            samples.sort()
            let (matrixTime, cells) = matrix ? try get("/v1/connectivity?groupBy=namespace") : (0, HTTPResponse(status: 200))
            print(row("first reachability (builds index)", Measure.format(first / 1e6, "ms")))
            print(row("reachability p50 (HTTP)", Measure.format(Measure.percentile(samples, 0.5) / 1e6, "ms")))
            print(row("reachability p99 (HTTP)", Measure.format(Measure.percentile(samples, 0.99) / 1e6, "ms")))
            if matrix {
                print(row("namespace matrix (HTTP)", Measure.format(matrixTime / 1e6, "ms") + " (\(cells.body.count) bytes)"))
            }
            if podPairs {
                let (csvTime, csv) = try get("/v1/connectivity?format=csv")
                let lines = csv.body.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1
                print(
                    row(
                        "pod pairs as CSV (HTTP)",
                        Measure.format(csvTime / 1e6, "ms") + " (\(lines) lines, \(csv.body.count) bytes)"))
            }
        }
    }
}
