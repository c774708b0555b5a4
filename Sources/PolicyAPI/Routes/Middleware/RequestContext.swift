import MicroHTTP

/// What the steps around a request share, made once when the request reaches the router.
struct RequestContext {
    /// The client's `X-Request-Id` when acceptable, else a new one (``RequestIDMiddleware``).
    let requestID: String
    /// The path split at `/`: for routing, access rules, the heavy-work rule and metric labels.
    let segments: [String]
    /// When the request reached the router, for its duration.
    let started: ContinuousClock.Instant

    init(_ request: HTTPRequest) {
        started = ContinuousClock.now
        requestID = RequestIDMiddleware.id(for: request)
        segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// Seconds since the request arrived.
    var elapsedSeconds: Double {
        let elapsed = ContinuousClock.now - started
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
