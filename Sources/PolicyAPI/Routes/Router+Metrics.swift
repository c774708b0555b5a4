import MicroHTTP
import PolicyCore
import PolicyStore

extension Router {
    /// `/metrics`: request and decision counters plus the service's gauges.
    func metrics() -> HTTPResponse {
        let compiled = service.current
        let stats = service.compileStatistics
        var extra: [String] = [
            "# HELP netpold_compiles_total Times the evaluator was (re)built since start.",
            "# TYPE netpold_compiles_total counter",
            "netpold_compiles_total \(stats.count)",
            "# HELP netpold_compile_duration_seconds Time the last build of the evaluator took.",
            "# TYPE netpold_compile_duration_seconds gauge",
            "netpold_compile_duration_seconds \(stats.lastSeconds)",
            "# HELP netpold_compile_seconds_total Time spent building the evaluator since start.",
            "# TYPE netpold_compile_seconds_total counter",
            "netpold_compile_seconds_total \(stats.totalSeconds)",
            "# HELP netpold_revision The store revision decisions are made on.",
            "# TYPE netpold_revision gauge",
            "netpold_revision \(compiled.revision)",
            "# HELP netpold_objects Stored objects, by kind.",
            "# TYPE netpold_objects gauge",
        ]
        let counts = (try? service.repository.counts()) ?? [:]
        for kind in ResourceKind.allCases {
            extra.append("netpold_objects{kind=\"\(kind.kind)\",apiVersion=\"\(kind.apiVersion)\"} \(counts[kind] ?? 0)")
        }
        return HTTPResponse(
            status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8",
            body: Array(options.metrics.render(extra: extra).utf8))
    }
}
