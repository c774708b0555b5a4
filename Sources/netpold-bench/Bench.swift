import ArgumentParser
import Glibc

/// Benchmarks for netpold, one subcommand a mode (`bench/run.sh` runs them all):
///
/// - `core [sizes] [--decisions N]` (default): builds the synthetic cluster in process and prints
///   compile time, one-thread decision rate, p50/p99, incremental update times and peak memory.
/// - `generate [sizes] --format yaml|json`: prints the synthetic cluster as an import bundle
///   (`--calico-percent 0`: Kubernetes NetworkPolicies only).
/// - `decide --bundle FILE --queries FILE`: times in-process decisions, as `core` does, on a cluster
///   and questions read from files (another engine's, for a side-by-side comparison).
/// - `requests [sizes] --count N`: prints decision requests (JSON lines) for load generators.
/// - `writes [sizes] --server URL --rate R --seconds S [--kind pod|policy]`: relabels pods (or replaces
///   a policy) at a fixed rate through the API and prints write latency (until decisions see it).
/// - `router [sizes] [--decisions N]`: times `Router.handle` for decisions, with no socket.
/// - `batch [sizes] [--items N] [--batches N]`: times `Router.handle` for `/v1/decide/batch`, with no socket.
/// - `connectivity [sizes] [--server URL]`: reachability and the namespace matrix, in process or over HTTP.
@main
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netpold-bench",
        abstract: "Benchmarks for netpold on a synthetic cluster.",
        subcommands: [
            Core.self, Generate.self, Requests.self, Writes.self, RouterTiming.self, BatchTiming.self, Decide.self,
            ConnectivityTiming.self,
            DiffTiming.self,
        ],
        defaultSubcommand: Core.self)

    /// As `netpold` does (and this tool did before the argument parser): a usage error exits 2, not 64.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let text = Array((fullMessage(for: error) + "\n").utf8)
            _ = text.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            Glibc.exit(2)
        }
    }
}
