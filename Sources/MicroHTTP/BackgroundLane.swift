internal import CMicroHTTPD
import Glibc
import Synchronization

/// Where a request is answered.
public enum HTTPLane: Sendable {
    /// On the libmicrohttpd worker thread that read it: for answers that take microseconds
    /// (decisions, health, single reads). Every other connection of that thread waits meanwhile.
    case inline
    /// On a thread of its own, the connection suspended until the answer is ready: for anything
    /// that may take long (imports, writes waiting on fsync, exports), so it never holds up the
    /// connections that share its worker thread.
    case background
}

/// Chooses a request's lane once its body has arrived.
public typealias HTTPLaneSelector = @Sendable (HTTPRequest) -> HTTPLane

/// A suspended connection's pointer, carried to the thread that will resume it:
/// libmicrohttpd documents `MHD_resume_connection` as safe to call from any thread.
struct SuspendedConnection: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}

/// The answer to one background request, and the single right to resume its connection.
final class BackgroundAnswer: Sendable {
    private let connection: SuspendedConnection
    private let slot = Mutex<(response: HTTPResponse?, resumed: Bool)>((nil, false))

    init(_ connection: SuspendedConnection) { self.connection = connection }

    /// Stores the response and resumes the connection, unless shutdown already answered it
    /// (resuming twice, or after the daemon stopped, would be undefined behaviour in libmicrohttpd).
    @discardableResult
    func deliver(_ response: HTTPResponse) -> Bool {
        let resume = slot.withLock { slot -> Bool in
            guard !slot.resumed else { return false }
            slot.response = response
            slot.resumed = true
            return true
        }
        if resume { MHD_resume_connection(connection.pointer) }
        return resume
    }

    /// The response, once, for the worker thread that sends it.
    func take() -> HTTPResponse? {
        slot.withLock { slot in
            defer { slot.response = nil }
            return slot.response
        }
    }
}

/// The background requests running now: counted for the limit, listed for shutdown.
final class BackgroundRequests: Sendable {
    private let running = Mutex<[ObjectIdentifier: BackgroundAnswer]>([:])
    /// Handlers still executing, including ones whose connection shutdown already answered.
    private let executing = Atomic<Int>(0)

    var count: Int { running.withLock { $0.count } }
    var handlersExecuting: Int { executing.load(ordering: .relaxed) }

    /// Runs `handler` on a new thread and delivers its response; delivers `ifNoThread` when no
    /// thread can be started.
    func start(_ answer: BackgroundAnswer, request: HTTPRequest, handler: @escaping HTTPHandler, ifNoThread: HTTPResponse) {
        let key = ObjectIdentifier(answer)
        running.withLock { $0[key] = answer }
        executing.add(1, ordering: .relaxed)
        let started = DetachedThread.start { [self] in
            let response = handler(request)
            answer.deliver(response)
            running.withLock { $0[key] = nil }
            executing.subtract(1, ordering: .relaxed)
        }
        if !started {
            executing.subtract(1, ordering: .relaxed)
            running.withLock { $0[key] = nil }
            answer.deliver(ifNoThread)
        }
    }

    /// Answers every connection still waiting with `response`, so the daemon can stop; the handlers
    /// go on, and their late answers are dropped.
    func abandonAll(with response: HTTPResponse) -> Int {
        let waiting = running.withLock { running in
            defer { running.removeAll() }
            return Array(running.values)
        }
        return waiting.filter { $0.deliver(response) }.count
    }
}

/// A detached POSIX thread running one closure.
enum DetachedThread {
    private final class Work {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let work = Unmanaged.passRetained(Work(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().body()
                return nil
            }, work)
        guard result == 0 else {
            Unmanaged<Work>.fromOpaque(work).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
