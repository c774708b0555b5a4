internal import CMicroHTTPD
import Glibc
import Synchronization

/// The server's event streams (``HTTPEventStream``), and the one thread that looks after all of
/// them while they wait: it wakes a stream when the instant it asked for passes, and ends the
/// stream of a client that hung up (libmicrohttpd does not watch a suspended connection's socket,
/// so without this a watch whose client went away would hold its slot until the next event).
///
/// The thread sleeps in `poll(2)` on the streams' sockets (for `POLLRDHUP`: only a hang-up wakes
/// it, never data the client sends) and on an eventfd that says a stream wants an earlier wake-up,
/// at most a second at a time, so a new stream's hang-up is noticed within about a second.
final class EventStreamMonitor: Sendable {
    private struct Entry {
        let stream: HTTPEventStream
        let socket: Int32
        var wakeAt: ContinuousClock.Instant?
        var hungUp = false
    }

    private struct State {
        var entries: [ObjectIdentifier: Entry] = [:]
        /// Set on shutdown: streams added later end at once.
        var closed = false
        var stopping = false
        var thread: pthread_t?
        var threadStarted = false
        /// When the thread's current `poll` returns at the latest.
        var plannedWake: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    /// Written to make the thread look again (an earlier wake-up, or stopping).
    private let signal: Int32

    init() {
        signal = netpold_eventfd()
    }

    deinit {
        if signal >= 0 { close(signal) }
    }

    /// Streams being sent now.
    var count: Int { state.withLock { $0.entries.count } }

    /// Starts looking after `stream`; false when the server is stopping (the stream should end).
    func add(_ stream: HTTPEventStream, socket: Int32) -> Bool {
        let (added, startThread) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.entries[ObjectIdentifier(stream)] = Entry(stream: stream, socket: socket)
            defer { state.threadStarted = true }
            return (true, !state.threadStarted)
        }
        if startThread { start() }
        return added
    }

    func remove(_ stream: HTTPEventStream) {
        _ = state.withLock { $0.entries.removeValue(forKey: ObjectIdentifier(stream)) }
    }

    /// `stream` suspended its connection; wake it at `until` (if given).
    func waiting(_ stream: HTTPEventStream, until: ContinuousClock.Instant?) {
        let poke = state.withLock { state -> Bool in
            let key = ObjectIdentifier(stream)
            guard state.entries[key] != nil else { return false }
            state.entries[key]!.wakeAt = until
            guard let until, let planned = state.plannedWake else { return false }
            return until < planned
        }
        if poke { notify() }
    }

    /// Ends every stream (cleanly, after what each already produced) and every stream added later:
    /// libmicrohttpd must not stop with a connection suspended.
    func endAll() {
        let streams = state.withLock { state in
            state.closed = true
            return state.entries.values.map(\.stream)
        }
        for stream in streams { stream.end(.shutdown) }
    }

    /// Stops the thread (after ``endAll()``).
    func stop() {
        let thread = state.withLock { state in
            state.stopping = true
            state.closed = true
            defer { state.thread = nil }
            return state.thread
        }
        guard let thread else { return }
        notify()
        pthread_join(thread, nil)
    }

    private func notify() {
        var one: UInt64 = 1
        _ = write(signal, &one, MemoryLayout<UInt64>.size)
    }

    private func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<EventStreamMonitor>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, box)
        guard result == 0 else {
            // No thread: streams still end and wake on events, but not at their instants or on a hang-up.
            Unmanaged<EventStreamMonitor>.fromOpaque(box).release()
            return
        }
        let stopped = state.withLock { state -> Bool in
            if state.stopping { return true }
            state.thread = thread
            return false
        }
        // `stop()` came before the thread was recorded: it is this call's to join.
        if stopped {
            notify()
            pthread_join(thread, nil)
        }
    }

    /// The thread's loop.
    private func run() {
        let peerClosed = netpold_pollrdhup()
        var descriptors: [pollfd] = []
        var streams: [HTTPEventStream] = []
        while true {
            let now = ContinuousClock.now
            var due: [HTTPEventStream] = []
            let stopping = state.withLock { state -> Bool in
                if state.stopping { return true }
                descriptors = [pollfd(fd: signal, events: Int16(POLLIN), revents: 0)]
                streams = []
                var earliest = now + .seconds(1)
                for (key, entry) in state.entries {
                    if let wakeAt = entry.wakeAt {
                        if wakeAt <= now {
                            state.entries[key]!.wakeAt = nil
                            due.append(entry.stream)
                        } else if wakeAt < earliest {
                            earliest = wakeAt
                        }
                    }
                    if !entry.hungUp, entry.socket >= 0 {
                        descriptors.append(pollfd(fd: entry.socket, events: peerClosed, revents: 0))
                        streams.append(entry.stream)
                    }
                }
                state.plannedWake = earliest
                return false
            }
            if stopping { return }
            for stream in due { stream.wake() }
            if !due.isEmpty { continue }
            let wait = state.withLock { $0.plannedWake ?? now } - ContinuousClock.now
            let milliseconds = max(
                0, min(1000, Int(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)))
            let ready = poll(&descriptors, nfds_t(descriptors.count), Int32(milliseconds))
            guard ready > 0 else { continue }
            if descriptors[0].revents != 0 {
                var value: UInt64 = 0
                _ = read(signal, &value, MemoryLayout<UInt64>.size)
            }
            var gone: [HTTPEventStream] = []
            for (index, descriptor) in descriptors.enumerated().dropFirst()
            where descriptor.revents & (peerClosed | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)) != 0 {
                gone.append(streams[index - 1])
            }
            guard !gone.isEmpty else { continue }
            state.withLock { state in
                for stream in gone { state.entries[ObjectIdentifier(stream)]?.hungUp = true }
            }
            for stream in gone { stream.end(.hangUp) }
        }
    }
}
