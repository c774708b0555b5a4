import Glibc
import MicroHTTP
import Synchronization

/// Lets a few heavy requests (imports, exports, connectivity, very large bodies) run at once; the rest wait in
/// line, first come first served, and are refused with `429 TooManyRequests` once they have waited
/// `timeout`. Heavy requests run on background threads (``Router/lane(for:)``), so waiting here
/// never holds up a decision.
public final class HeavyWorkGate: Sendable {
    public let limit: Int
    public let timeout: Duration
    /// Lower the running thread's CPU priority for the heavy work, so decisions win the cores.
    /// Only for threads that end with the request (the server's background lane).
    let lowersPriority: Bool
    private let line = Mutex<Line>(Line())

    private struct Line {
        var running = 0
        var nextTicket: UInt64 = 0
        /// Tickets of waiting requests, oldest first.
        var waiting: [UInt64] = []
    }

    public init(limit: Int = 1, timeout: Duration = .seconds(30), lowersPriority: Bool = false) {
        self.limit = max(1, limit)
        self.timeout = timeout
        self.lowersPriority = lowersPriority
    }

    /// How many heavy requests run and wait now.
    public var load: (running: Int, waiting: Int) { line.withLock { ($0.running, $0.waiting.count) } }

    /// Runs `body` once admitted.
    /// - Throws: `APIError.tooManyRequests` after waiting `timeout`; whatever `body` throws.
    public func run<T>(_ body: () throws -> T) throws -> T {
        let ticket = line.withLock { line -> UInt64 in
            defer { line.nextTicket += 1 }
            line.waiting.append(line.nextTicket)
            return line.nextTicket
        }
        let deadline = ContinuousClock.now + timeout
        // Waiters poll (every 2 ms): they are few, and this keeps the gate a plain Mutex.
        while !admit(ticket) {
            if ContinuousClock.now >= deadline {
                let (running, waiting) = line.withLock { line -> (Int, Int) in
                    line.waiting.removeAll { $0 == ticket }
                    return (line.running, line.waiting.count)
                }
                throw APIError.tooManyRequests(
                    "the server is busy with \(running) heavy request(s) (imports, exports, connectivity) and \(waiting) more waiting; try again later",
                    retryAfterSeconds: retryAfterSeconds)
            }
            usleep(2_000)
        }
        defer { line.withLock { $0.running -= 1 } }
        if lowersPriority {
            // `who` 0 is the calling thread alone on Linux, where the nice value is per thread.
            setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        }
        return try body()
    }

    /// The gate as a step around a request: heavy requests (``Router/isHeavy(_:_:)``) wait their
    /// turn, the rest go straight on.
    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) throws -> HTTPResponse {
        guard Router.isHeavy(request, context.fixedRoute) else { return try next(request, context) }
        return try run { try next(request, context) }
    }

    /// A client told to retry should wait about as long as a heavy request usually takes.
    var retryAfterSeconds: Int { max(1, Int(timeout.components.seconds / 4)) }

    private func admit(_ ticket: UInt64) -> Bool {
        line.withLock { line in
            guard line.running < limit, line.waiting.first == ticket else { return false }
            line.waiting.removeFirst()
            line.running += 1
            return true
        }
    }
}
