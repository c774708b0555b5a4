import Dispatch
import Glibc
public import Logging
import MicroHTTP
import PolicyCore
import PolicyStore
import Synchronization

/// Following the store while other replicas write to it (PostgreSQL): their writes are read back
/// from the store's change log and applied as a local write is, incrementally.
extension PolicyService {
    /// Where this replica stands against the store.
    public struct Standing: Sendable {
        /// The revision decisions are made on.
        public let applied: Int64
        /// The latest revision the store announced (a notification, or a read of the log).
        public let announced: Int64
        /// Whether the last attempt to follow the store reached it.
        public let storeReachable: Bool

        /// Ready to answer: every revision the store announced is applied.
        public var caughtUp: Bool { applied >= announced }
    }

    public var standing: Standing {
        let (announced, reachable) = following.withLock { ($0.announced, $0.storeReachable) }
        return Standing(applied: current.revision, announced: announced, storeReachable: reachable)
    }

    /// Notes a revision the store announced.
    func announce(_ revision: Int64) {
        following.withLock { $0.announced = max($0.announced, revision) }
    }

    /// Applies every write other replicas committed since this replica's revision; reloads
    /// everything when the change log no longer reaches back that far.
    public func catchUp() throws {
        nonisolated(unsafe) var woken: [HTTPEventStream] = []
        defer { changeFeed.wake(woken) }
        try writer.withLock { snapshot in woken = try catchUp(&snapshot) }
    }

    /// Under the writer's lock: the writes committed since the snapshot's revision, applied (or
    /// everything reloaded).
    func catchUp(_ snapshot: inout PolicySnapshot) throws -> [HTTPEventStream] {
        if let batch = try repository.changes(after: snapshot.revision) {
            announce(batch.revision)
            return try apply(batch, to: &snapshot)
        }
        return try reload(&snapshot)
    }

    /// Inside a write transaction: the writes committed since the snapshot's revision, applied.
    func catchUp(_ snapshot: inout PolicySnapshot, in transaction: inout WriteTransaction) throws -> [HTTPEventStream] {
        guard let batch = try transaction.changes(after: snapshot.revision) else {
            // The follower reloads within a second; the client retries.
            throw StoreUnavailable(
                reason: "this replica is further behind the store than its change log reaches and must reload first")
        }
        announce(batch.revision)
        return try apply(batch, to: &snapshot)
    }

    /// Applies logged writes to the snapshot and publishes the set at the batch's revision: one
    /// incremental update for the whole batch, each key's last write only (a replica catching up
    /// on a minute of writes applies the end state, not every step). Watches get every revision.
    private func apply(_ batch: ChangeBatch, to snapshot: inout PolicySnapshot) throws -> [HTTPEventStream] {
        guard batch.revision > snapshot.revision else { return [] }
        var last: [ObjectKey: Int] = [:]
        for (position, logged) in batch.writes.enumerated() { last[logged.write.key] = position }
        // Each key's last write only (decoded only then), in the order of those last writes: a
        // namespace created again comes before its new pods.
        var kept: [SnapshotChange] = []
        for (position, logged) in batch.writes.enumerated() where last[logged.write.key] == position {
            let write = logged.write
            switch write.action {
            case .deleted:
                kept.append(.remove(write.key))
            case .added, .modified:
                do {
                    kept.append(.upsert(try ObjectDecoder.decode(JSONParser.parse(write.json)).model))
                } catch {
                    throw StoreError("\(write.key) as revision \(logged.revision) wrote it does not validate here: \(error)")
                }
            }
        }
        for change in kept {
            switch change {
            case .upsert(let model): snapshot.upsert(model)
            case .remove(let key): snapshot.remove(key)
            }
        }
        snapshot.revision = batch.revision
        publish(snapshot, changes: kept)
        var woken: [HTTPEventStream] = []
        var start = batch.writes.startIndex
        while start < batch.writes.endIndex {
            let revision = batch.writes[start].revision
            var end = start
            while end < batch.writes.endIndex, batch.writes[end].revision == revision { end += 1 }
            woken += changeFeed.record(revision: revision, writes: batch.writes[start..<end].map(\.write), complete: true)
            start = end
        }
        return woken
    }

    /// Loads every object again and compiles afresh: for a replica further behind than the change
    /// log reaches. Watches from before expire (their clients list again).
    private func reload(_ snapshot: inout PolicySnapshot) throws -> [HTTPEventStream] {
        snapshot = try Self.loadSnapshot(from: repository)
        let revision = snapshot.revision
        let started = ContinuousClock.now
        let set = CompiledPolicySet(snapshot, jobs: .cores)
        let elapsed = ContinuousClock.now - started
        indexLog.withLock { $0.restart(at: revision) }
        let stagedChanges = snapshot.stagedChanges
        published.withLock { $0 = (stagedChanges, set) }
        compiled.withLock { $0 = PublishedSet(set) }
        revisionWaiters.published(revision)
        recordCompile(elapsed)
        // The store may have gone back (restored from a backup): what it says now is the truth.
        following.withLock { $0.announced = revision }
        return changeFeed.record(revision: revision, writes: [], complete: false)
    }

    /// Follows the store on a thread of its own until ``stopFollowing()``: woken by the store's
    /// notifications of new revisions, and at least every `interval` (a notification can be lost
    /// with a connection). While the store cannot be reached, decisions go on from the set at hand.
    public func startFollowing(interval: Duration = .seconds(1), logger: Logger) {
        following.withLock {
            $0.running = true
            $0.stopped = false
        }
        DispatchQueue(label: "netpold.follow").async { [self] in
            var outage: ContinuousClock.Instant?
            var listenerFailing = false
            while following.withLock({ $0.running }) {
                let started = ContinuousClock.now
                // The notification only wakes the follower early: the log is read every round,
                // so a listening connection that fails (refused, dropped) costs latency, not writes.
                do {
                    if let revision = try repository.waitForNotification(timeout: interval) { announce(revision) }
                    if listenerFailing {
                        logger.notice("notifications of new revisions are received again")
                        listenerFailing = false
                    }
                } catch {
                    if !listenerFailing {
                        logger.warning(
                            "cannot listen for new revisions (\(error)); reading the change log every \(interval) instead")
                        listenerFailing = true
                    }
                }
                do {
                    try catchUp()
                    if let since = outage {
                        logger.notice(
                            "the store is reachable again after \(since.duration(to: .now)); caught up to revision \(current.revision)"
                        )
                        outage = nil
                    }
                    following.withLock { $0.storeReachable = true }
                } catch {
                    if outage == nil {
                        outage = .now
                        logger.warning(
                            "cannot follow the store (\(error)); answering from revision \(current.revision) until it can")
                    }
                    if error is StoreUnavailable { following.withLock { $0.storeReachable = false } }
                }
                // A round that failed (fast, as a refused connection does) lasts at least `interval`.
                let left = interval - started.duration(to: .now)
                if listenerFailing || outage != nil, left > .zero {
                    usleep(UInt32(clamping: left.wholeMicroseconds))
                }
            }
            following.withLock { $0.stopped = true }
        }
    }

    /// Stops following and waits (at most `timeout`) for the follower's round to end, so the
    /// store can be closed under nobody.
    public func stopFollowing(timeout: Duration = .seconds(5)) {
        let wasRunning = following.withLock { state -> Bool in
            defer { state.running = false }
            return state.running
        }
        guard wasRunning else { return }
        let deadline = ContinuousClock.now + timeout
        while !following.withLock({ $0.stopped }), ContinuousClock.now < deadline { usleep(10_000) }
    }
}

/// What the follower knows, under one lock.
struct FollowState {
    var announced: Int64
    var storeReachable = true
    var running = false
    var stopped = false
}
