internal import CMicroHTTPD
import Glibc
import Synchronization

/// A response body that can wait for data without holding a thread: a long-lived stream of events
/// (a Kubernetes watch) that sends what there is and then sleeps until ``wake()``.
///
/// The server pulls it on the libmicrohttpd worker thread of its connection, as an
/// ``HTTPBodyStream``. When the producer has nothing to send it answers ``Next/wait(until:)``:
/// the connection is then suspended (libmicrohttpd's `MHD_suspend_connection`, called from its
/// content reader, as its manual allows) and the worker thread goes on with its other connections.
/// ``wake()``, from any thread, resumes the connection and the producer is asked again; so does
/// the `until` instant passing. While a connection is suspended libmicrohttpd does not notice a
/// client that hangs up, so the server watches the sockets of its suspended streams itself (one
/// thread for all of them): a client that hangs up ends its stream within about a second.
///
/// The producer runs under the stream's lock, never concurrently with itself. `onClose` runs once
/// when the response is over (sent to its end, the client gone, or the server stopped) or, for a
/// response never sent, when the stream is released: the place to release what the stream holds.
public final class HTTPEventStream: Sendable {
    /// What the producer has now.
    public enum Next {
        /// Bytes to send (empty is allowed and means nothing).
        case data([UInt8])
        /// Nothing for now: ask again after ``HTTPEventStream/wake()`` or at this instant.
        case wait(until: ContinuousClock.Instant?)
        /// The body is complete.
        case end
    }

    /// Why the server ends a stream regardless of its producer.
    enum Stop {
        /// The client hung up: the body ends at once, what was left unsent dropped.
        case hangUp
        /// The server is stopping: the body ends cleanly after what was already produced.
        case shutdown
    }

    private struct State {
        var produce: (() -> Next)?
        var chunk: [UInt8] = []
        var offset = 0
        var connection: SuspendedConnection?
        var monitor: EventStreamMonitor?
        var suspended = false
        var stop: Stop?
        var onClose: (() -> Void)?
    }

    private let state: Mutex<State>

    /// - Parameters:
    ///   - produce: called each time the server can send: the next bytes, `wait`, or `end`.
    ///   - onClose: called once when the response is over (see the type's description).
    public init(_ produce: sending @escaping () -> Next, onClose: sending @escaping () -> Void = {}) {
        state = Mutex(State(produce: produce, onClose: onClose))
    }

    deinit {
        // A response that was never sent (the server answered something else, or a test dropped it).
        let onClose = state.withLock { state in
            defer { state.onClose = nil }
            return state.onClose
        }
        onClose?()
    }

    /// Asks the producer again soon: resumes the connection if it is waiting. Safe from any thread,
    /// at any time, also after the response is over (then it does nothing).
    public func wake() {
        let connection = state.withLock { state -> SuspendedConnection? in
            guard state.suspended else { return nil }
            state.suspended = false
            return state.connection
        }
        if let connection { MHD_resume_connection(connection.pointer) }
    }

    /// The producer's next answer, for reading the stream in process (tests): never suspends.
    public func next() -> Next {
        state.withLock { state in
            guard let produce = state.produce else { return .end }
            let next = produce()
            if case .end = next { state.produce = nil }
            return next
        }
    }

    /// Binds the stream to the connection that sends it.
    func attach(_ connection: SuspendedConnection, monitor: EventStreamMonitor, socket: Int32) {
        state.withLock { state in
            state.connection = connection
            state.monitor = monitor
        }
        if !monitor.add(self, socket: socket) { end(.shutdown) }
    }

    /// Ends the stream at the next read (and resumes its connection if it waits): for a client that
    /// hung up, or a server that stops.
    func end(_ reason: Stop) {
        let connection = state.withLock { state -> SuspendedConnection? in
            if state.stop != .hangUp { state.stop = reason }
            guard state.suspended else { return nil }
            state.suspended = false
            return state.connection
        }
        if let connection { MHD_resume_connection(connection.pointer) }
    }

    /// Copies what there is into `buffer`: the byte count, 0 after suspending the connection (nothing
    /// now), or one of libmicrohttpd's end markers. Called on the connection's worker thread.
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        return state.withLock { state -> Int in
            if state.stop == .hangUp {
                // The end, not an error: there is no one to tell, and libmicrohttpd would log an
                // "application error" for every client that leaves a watch. The last chunk goes
                // nowhere and the connection closes when its socket reports the client gone.
                state.produce = nil
                state.chunk = []
                return Int(MHD_CONTENT_READER_END_OF_STREAM)
            }
            var filled = 0
            while true {
                if state.offset < state.chunk.count {
                    let count = min(buffer.count - filled, state.chunk.count - state.offset)
                    let offset = state.offset
                    state.chunk.withUnsafeBytes { chunk in
                        (base + filled).copyMemory(from: chunk.baseAddress! + offset, byteCount: count)
                    }
                    filled += count
                    state.offset += count
                    if state.offset == state.chunk.count {
                        state.chunk = []
                        state.offset = 0
                    }
                    if filled == buffer.count { return filled }
                }
                if state.stop == .shutdown { state.produce = nil }
                guard let produce = state.produce else {
                    return filled > 0 ? filled : Int(MHD_CONTENT_READER_END_OF_STREAM)
                }
                switch produce() {
                case .data(let bytes):
                    state.chunk = bytes
                    state.offset = 0
                case .end:
                    state.produce = nil
                case .wait(let until):
                    // What was copied goes first; the next read asks again.
                    if filled > 0 { return filled }
                    guard let connection = state.connection else { return 0 }
                    // Under the lock, so a `wake()` either came before (and the producer saw its
                    // data) or finds the connection suspended and resumes it.
                    state.suspended = true
                    MHD_suspend_connection(connection.pointer)
                    state.monitor?.waiting(self, until: until)
                    return 0
                }
            }
        }
    }

    /// The response is over: drops the producer and runs `onClose`. Called when libmicrohttpd frees it.
    func close() {
        let (onClose, monitor) = state.withLock { state in
            defer {
                state.produce = nil
                state.chunk = []
                state.onClose = nil
                state.connection = nil
                state.suspended = false
                state.monitor = nil
            }
            return (state.onClose, state.monitor)
        }
        monitor?.remove(self)
        onClose?()
    }
}

/// A response sending `stream` as libmicrohttpd pulls it; the response holds the stream until
/// libmicrohttpd frees it.
func eventResponse(_ stream: HTTPEventStream, on connection: OpaquePointer, context: ServerContext) -> OpaquePointer? {
    // MHD_SIZE_UNKNOWN, which Swift does not import (see `streamedResponse`).
    let unknownSize = UInt64.max
    let retained = Unmanaged.passRetained(stream)
    guard
        let response = MHD_create_response_from_callback(
            unknownSize, eventBlockSize, readEvents, retained.toOpaque(), releaseEvents)
    else {
        retained.release()
        return nil
    }
    stream.attach(
        SuspendedConnection(connection), monitor: context.eventStreams, socket: netpold_mhd_connection_fd(connection))
    return response
}

/// libmicrohttpd's buffer for HTTP/1.0 clients (no chunks); events are small.
private let eventBlockSize = 16 << 10

private let readEvents: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else { return MHD_CONTENT_READER_END_OF_STREAM }
    let stream = Unmanaged<HTTPEventStream>.fromOpaque(cls).takeUnretainedValue()
    return stream.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: max))
}

private let releaseEvents: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    let stream = Unmanaged<HTTPEventStream>.fromOpaque(cls)
    stream.takeUnretainedValue().close()
    stream.release()
}
