import ArgumentParser

extension Bench {
    /// Decision requests for load generators (`bench/decide.lua` reads them).
    struct Requests: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print decision requests, one JSON object a line.")

        @OptionGroup var size: ClusterSize

        @Option(help: "Requests to print.")
        var count = 1000

        func run() {
            print(size.cluster.requestLines(count: count).joined(separator: "\n"))
        }
    }
}
