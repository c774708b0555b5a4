import ArgumentParser
import MicroHTTP
import SeededRandom

extension Bench {
    /// Writes at a fixed rate and reports latency: a write returns only once decisions can see it.
    struct Writes: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Relabel pods (or replace policies) at a fixed rate through the API and print write latency.")

        enum Kind: String, ExpressibleByArgument, CaseIterable {
            case pod, policy
        }

        @OptionGroup var size: ClusterSize

        @Option(help: "The netpold server, holding the same synthetic cluster.")
        var server = "http://127.0.0.1:8080"

        @Option(help: "Writes per second.")
        var rate = 500

        @Option(help: "How long to write.")
        var seconds = 10

        @Option(help: "pod: relabel pods; policy: replace NetworkPolicies.")
        var kind: Kind = .pod

        func run() throws {
            let cluster = size.cluster
            let clock = ContinuousClock()
            let interval = Duration.nanoseconds(1_000_000_000 / max(1, rate))
            let end = clock.now + .seconds(seconds)
            var next = clock.now
            var samples: [Double] = []
            var failures = 0
            var random = SplitMix64(state: 99)
            var step = 0
            while clock.now < end {
                step += 1
                let namespace = "ns-\(Int.random(in: 0..<cluster.namespaces, using: &random))"
                let app = SyntheticCluster.apps[step % SyntheticCluster.apps.count]
                let path: String
                let body: String
                switch kind {
                case .policy:
                    let name = "bench-policy-\(step % 20)"
                    path = "/apis/networking.k8s.io/v1/namespaces/\(namespace)/networkpolicies/\(name)"
                    body =
                        #"{"metadata":{"name":"\#(name)"},"spec":{"podSelector":{"matchLabels":{"app":"\#(app)"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"tier":"web"}}}],"ports":[{"port":8080}]}]}}"#
                case .pod:
                    let pod = Int.random(in: 0..<cluster.podsPerNamespace, using: &random)
                    let index = Int(namespace.dropFirst(3))! * cluster.podsPerNamespace + pod
                    path = "/api/v1/namespaces/\(namespace)/pods/pod-\(pod)"
                    body =
                        #"{"metadata":{"name":"pod-\#(pod)","labels":{"app":"\#(app)","tier":"web","version":"v\#(step % 3)"}},"spec":{"containers":[{"name":"main","image":"registry.example/app:1","ports":[{"name":"http","containerPort":8080}]}]},"status":{"podIP":"\#(SyntheticCluster.podAddress(index))"}}"#
                }
                let start = clock.now
                let response = try HTTPClient.send(
                    method: "PUT", url: server + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
                samples.append(Measure.nanoseconds(clock.now - start))
                if !(200..<300).contains(response.status) { failures += 1 }
                next = next + interval
                let now = clock.now
                if next > now { Measure.sleep(until: next) } else { next = now }
            }
            samples.sort()
            let achieved = Double(samples.count) / Double(seconds)
            let format = Measure.format
            print(
                "writes kind=\(kind.rawValue) count=\(samples.count) rate=\(format(achieved, "/s")) failures=\(failures) p50=\(format(Measure.percentile(samples, 0.5) / 1e6, "ms")) p99=\(format(Measure.percentile(samples, 0.99) / 1e6, "ms"))"
            )
        }
    }
}
