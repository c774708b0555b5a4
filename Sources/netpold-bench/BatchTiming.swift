import ArgumentParser
import MicroHTTP
import PolicyAPI
import PolicyCore

extension Bench {
    /// `Router.handle` for `/v1/decide/batch`, with no socket: the Swift cost of a batch of decisions.
    struct BatchTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "batch", abstract: "Time Router.handle for /v1/decide/batch requests, with no socket.")

        @OptionGroup var size: ClusterSize

        @Option(help: "Items in each batch.")
        var items = 1000

        @Option(help: "Batches to time.")
        var batches = 300

        func run() throws {
            let cluster = size.cluster
            let router = try cluster.loadedRouter()
            let body = Array(("{\"items\":[" + cluster.requestLines(count: items).joined(separator: ",") + "]}").utf8)
            let request = HTTPRequest(
                method: "POST", path: "/v1/decide/batch",
                headers: ["Content-Type": "application/json", "Host": "x", "User-Agent": "wrk"], body: body)
            let clock = ContinuousClock()
            for _ in 0..<max(1, batches / 10) { _ = router.handle(request) }
            var samples: [Double] = []
            samples.reserveCapacity(batches)
            let runStart = clock.now
            for _ in 0..<batches {
                let start = clock.now
                let response = router.handle(request)
                samples.append(Measure.nanoseconds(clock.now - start))
                if response.status != 200 {
                    print("status \(response.status): \(response.bodyText)")
                    throw ExitCode.failure
                }
            }
            let runTime = Measure.nanoseconds(clock.now - runStart)
            samples.sort()
            print(
                "netpold-bench batch: \(cluster.namespaces * cluster.podsPerNamespace) pods, \(cluster.policies) policies, \(items) items a batch"
            )
            print(Measure.row("batch decisions per second", Measure.format(Double(batches * items) / (runTime / 1e9), "/s")))
            print(Measure.row("Router.handle(batch) p50", Measure.format(Measure.percentile(samples, 0.5) / 1e3, "µs")))
            print(Measure.row("Router.handle(batch) p99", Measure.format(Measure.percentile(samples, 0.99) / 1e3, "µs")))
        }
    }
}
