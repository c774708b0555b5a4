import ArgumentParser
import MicroHTTP
import PolicyAPI
import PolicyCore

extension Bench {
    /// `Router.handle` for decision requests, with no socket: the Swift cost of one HTTP decision.
    struct RouterTiming: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "router", abstract: "Time Router.handle for /v1/decide requests, with no socket.")

        @OptionGroup var size: ClusterSize

        @Option(help: "Requests to time.")
        var decisions = 200_000

        func run() throws {
            let cluster = size.cluster
            let router = try cluster.loadedRouter()
            let bodies = cluster.requestLines(count: 1000).map { Array($0.utf8) }
            let clock = ContinuousClock()
            var samples: [Double] = []
            for index in 0..<decisions {
                let request = HTTPRequest(
                    method: "POST", path: "/v1/decide",
                    headers: ["Content-Type": "application/json", "Host": "x", "User-Agent": "wrk"],
                    body: bodies[index % bodies.count])
                let start = clock.now
                let response = router.handle(request)
                samples.append(Measure.nanoseconds(clock.now - start))
                if response.status != 200 {
                    print("status \(response.status): \(response.bodyText)")
                    throw ExitCode.failure
                }
            }
            samples.sort()
            print(Measure.row("Router.handle(/v1/decide) p50", Measure.format(samples[samples.count / 2] / 1e3, "µs")))
            print(Measure.row("Router.handle(/v1/decide) p99", Measure.format(samples[samples.count * 99 / 100] / 1e3, "µs")))
        }
    }
}
