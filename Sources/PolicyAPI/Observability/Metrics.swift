import Synchronization

/// Request, decision and compile metrics, rendered in the Prometheus text format.
public final class Metrics: Sendable {
    /// Upper bounds (seconds) of the latency histogram buckets.
    static let buckets: [Double] = [
        0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    struct RequestKey: Hashable {
        let route: String
        let method: String
        let code: Int
    }

    struct Histogram {
        /// Observations per bucket (not cumulative: one increment per observation; summed when rendered).
        var counts = [Int](repeating: 0, count: Metrics.buckets.count + 1)
        var sum = 0.0
        var count = 0

        mutating func observe(_ seconds: Double) {
            var index = 0
            while index < Metrics.buckets.count, seconds > Metrics.buckets[index] { index += 1 }
            counts[index] += 1
            sum += seconds
            count += 1
        }
    }

    struct State {
        var requests: [RequestKey: Int] = [:]
        var latency: [String: Histogram] = [:]
    }

    private let state = Mutex(State())
    private let allowedDecisions = Atomic<Int>(0)
    private let deniedDecisions = Atomic<Int>(0)

    public init() {}

    /// Counts one answered request.
    public func recordRequest(route: String, method: String, code: Int, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, method: method, code: code), default: 0] += 1
            state.latency[route, default: Histogram()].observe(seconds)
        }
    }

    /// Counts decisions by verdict.
    public func recordDecisions(allowed: Int, denied: Int) {
        if allowed > 0 { allowedDecisions.add(allowed, ordering: .relaxed) }
        if denied > 0 { deniedDecisions.add(denied, ordering: .relaxed) }
    }

    /// The exposition text; `extra` lines (service gauges) are appended as given.
    public func render(extra: [String]) -> String {
        let snapshot = state.withLock { $0 }
        var lines: [String] = []
        lines.append("# HELP netpold_http_requests_total HTTP requests answered, by route, method and status code.")
        lines.append("# TYPE netpold_http_requests_total counter")
        for (key, count) in snapshot.requests.sorted(by: {
            ($0.key.route, $0.key.method, $0.key.code) < ($1.key.route, $1.key.method, $1.key.code)
        }) {
            lines.append(
                "netpold_http_requests_total{route=\"\(escape(key.route))\",method=\"\(key.method)\",code=\"\(key.code)\"} \(count)"
            )
        }
        lines.append("# HELP netpold_http_request_duration_seconds Time to answer a request, by route.")
        lines.append("# TYPE netpold_http_request_duration_seconds histogram")
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            let label = "route=\"\(escape(route))\""
            var cumulative = 0
            for (index, bound) in Metrics.buckets.enumerated() {
                cumulative += histogram.counts[index]
                lines.append("netpold_http_request_duration_seconds_bucket{\(label),le=\"\(bound)\"} \(cumulative)")
            }
            lines.append("netpold_http_request_duration_seconds_bucket{\(label),le=\"+Inf\"} \(histogram.count)")
            lines.append("netpold_http_request_duration_seconds_sum{\(label)} \(histogram.sum)")
            lines.append("netpold_http_request_duration_seconds_count{\(label)} \(histogram.count)")
        }
        lines.append("# HELP netpold_decisions_total Decisions made, by result.")
        lines.append("# TYPE netpold_decisions_total counter")
        lines.append("netpold_decisions_total{result=\"allowed\"} \(allowedDecisions.load(ordering: .relaxed))")
        lines.append("netpold_decisions_total{result=\"denied\"} \(deniedDecisions.load(ordering: .relaxed))")
        lines += extra
        return lines.joined(separator: "\n") + "\n"
    }

    private func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}
