import Synchronization

/// What the C callbacks need: the handler, the limits, the server's own answers, and whether the
/// server is shutting down.
final class ServerContext: Sendable {
    let handler: HTTPHandler
    let lane: HTTPLaneSelector
    let maxBodyBytes: Int
    let maxBackgroundRequests: Int
    let responses: HTTPServerResponses
    let errorLog: (@Sendable (String) -> Void)?
    /// Set on shutdown: answers then close their connection so clients do not reuse it.
    let draining = Atomic<Bool>(false)
    /// Requests from their first handler call until libmicrohttpd reports them complete: a
    /// connection that is merely kept alive has none, so shutdown need not wait for it.
    let requestsInFlight = Atomic<Int>(0)
    /// Answers being computed off the event loop, with their suspended connections.
    let background = BackgroundRequests()
    /// Event streams being sent, and the thread that wakes them and notices clients that hang up.
    let eventStreams = EventStreamMonitor()

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler, lane: @escaping HTTPLaneSelector) {
        self.handler = handler
        self.lane = lane
        maxBodyBytes = configuration.maxBodyBytes
        maxBackgroundRequests = configuration.maxBackgroundRequests
        responses = configuration.responses
        errorLog = configuration.errorLog
    }
}
