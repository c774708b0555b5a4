import Dispatch
import Synchronization

/// Requests waiting for this replica to reach a revision: a client that wrote on another replica
/// passes the revision it got (`minRevision`), and is answered once this one has applied it.
/// Woken by ``PolicyService`` when it publishes a revision, not by polling.
final class RevisionWaiters: Sendable {
    private struct Waiter: @unchecked Sendable {
        let revision: Int64
        let id: UInt64
        let signal: DispatchSemaphore
    }

    private let waiting = Mutex<(nextID: UInt64, waiters: [Waiter])>((0, []))

    /// Waits until `current()` reaches `revision`, at most `timeout`; true when it did.
    func wait(until revision: Int64, timeout: Duration, current: () -> Int64) -> Bool {
        if current() >= revision { return true }
        let signal = DispatchSemaphore(value: 0)
        let id = waiting.withLock { state -> UInt64 in
            defer { state.nextID += 1 }
            state.waiters.append(Waiter(revision: revision, id: state.nextID, signal: signal))
            return state.nextID
        }
        // Checked again once registered: a revision published between the first check and the
        // registration woke nobody.
        if current() >= revision {
            remove(id)
            return true
        }
        if signal.wait(timeout: .now() + .nanoseconds(max(0, timeout.wholeNanoseconds))) == .timedOut {
            remove(id)
            return current() >= revision
        }
        return true
    }

    /// Wakes every request waiting for `revision` or an earlier one.
    func published(_ revision: Int64) {
        let ready = waiting.withLock { state -> [DispatchSemaphore] in
            guard !state.waiters.isEmpty else { return [] }
            var ready: [DispatchSemaphore] = []
            state.waiters.removeAll { waiter in
                guard waiter.revision <= revision else { return false }
                ready.append(waiter.signal)
                return true
            }
            return ready
        }
        for signal in ready { signal.signal() }
    }

    private func remove(_ id: UInt64) {
        waiting.withLock { state in state.waiters.removeAll { $0.id == id } }
    }
}
