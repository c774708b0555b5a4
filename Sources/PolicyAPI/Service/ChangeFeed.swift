import MicroHTTP
import PolicyCore
import PolicyStore
import Synchronization

/// The committed writes of the latest revisions, for watches: per revision, one event per object
/// written (a namespace delete: one per object it took with it), with the object as a `GET`
/// returned it then (a deleted one as it was, with the deleting revision as its resourceVersion).
///
/// Bounded by a count of events (``capacity``; 10,000 by default) and by the bytes of the objects
/// they hold (``byteCapacity``; 256 MiB): when more are held, the oldest revisions are dropped whole, and a watch from a resourceVersion before them is `410 Expired`. A
/// revision that alone writes more than the capacity (a large import) is not recorded at all: the
/// history then starts after it. Dry runs record nothing. Only what this process committed is here:
/// after a restart the history starts at the revision the store was opened at.
///
/// Also the registry of open watches: their count against the limit, and the streams to wake when
/// a revision of their kind is recorded.
public final class ChangeFeed: Sendable {
    /// One object written at one revision.
    struct Event: Sendable {
        let revision: Int64
        let action: ObjectWrite.Action
        let key: ObjectKey
        let labels: [String: String]
        let json: [UInt8]
        let previous: ObjectWrite.Previous?
    }

    /// What a watcher reads from its position.
    enum Read {
        /// Events from the position, oldest first; `next` is the position after them, and every
        /// event up to `revision` has been read once `next == end`.
        case events([Event], next: Int, end: Int, revision: Int64)
        /// Events from the position were dropped: every revision after `floor` is still held.
        case expired(floor: Int64)
    }

    private struct History {
        /// Live events are `events[start...]`; the first has sequence number `firstSequence`.
        var events: [Event] = []
        var start = 0
        var firstSequence = 0
        /// Every event of a revision after `floor` is held.
        var floor: Int64
        /// The last revision recorded (or the store's revision when the feed started).
        var latest: Int64

        /// The bytes of the live events' objects (and the objects before a change, when kept).
        var liveBytes = 0

        var endSequence: Int { firstSequence + events.count - start }
        var liveCount: Int { events.count - start }
    }

    private struct Watcher {
        let kind: ResourceKind
        weak var stream: HTTPEventStream?
    }

    private struct Watchers {
        var open: [Int: Watcher] = [:]
        var nextID = 0
    }

    /// The most events held.
    public let capacity: Int
    /// The most bytes of objects held (large objects must not make the history a memory sink).
    public let byteCapacity: Int
    private let history: Mutex<History>
    private let watchers = Mutex(Watchers())

    /// - Parameter revision: the store's revision now; watches from before it are expired.
    public init(capacity: Int = 10_000, byteCapacity: Int = 256 << 20, revision: Int64) {
        self.capacity = max(1, capacity)
        self.byteCapacity = max(1, byteCapacity)
        history = Mutex(History(floor: revision, latest: revision))
    }

    /// The latest revision recorded.
    public var revision: Int64 { history.withLock { $0.latest } }

    /// The oldest resourceVersion a watch may start from.
    public var oldestResourceVersion: Int64 { history.withLock { $0.floor } }

    /// Events held now.
    public var count: Int { history.withLock { $0.liveCount } }

    /// Watches open now.
    public var openWatches: Int { watchers.withLock { $0.open.count } }

    /// Records a committed revision's writes and returns the watches of the kinds it wrote, for the
    /// caller to wake (``wake(_:)``) once it has let go of its own lock: a wake waits for a stream
    /// that is producing, which writes must not do. Called in revision order (under the service's
    /// writer lock).
    func record(revision: Int64, _ log: WriteLog) -> [HTTPEventStream] {
        record(revision: revision, writes: log.writes, complete: !log.overflowed)
    }

    /// As ``record(revision:_:)``, for writes read back from the store's change log (another
    /// replica's). `complete` false: the writes of this revision (and maybe of revisions before
    /// it) are not known one by one, as after a reload; every position held so far expires.
    func record(revision: Int64, writes: [ObjectWrite], complete: Bool) -> [HTTPEventStream] {
        let kinds: Set<ResourceKind> = history.withLock { history in
            defer { history.latest = revision }
            let bytes = writes.reduce(0) { $0 + Self.size(of: $1) }
            guard complete, writes.count <= capacity, bytes <= byteCapacity else {
                // Too large to hold: the history restarts after this revision, and every position
                // held so far expires (a caught-up watch must not miss these writes silently).
                history.firstSequence = history.endSequence + 1
                history.events = []
                history.start = 0
                history.liveBytes = 0
                history.floor = revision
                return Set(ResourceKind.allCases)
            }
            var kinds: Set<ResourceKind> = []
            for write in writes {
                history.events.append(
                    Event(
                        revision: revision, action: write.action, key: write.key, labels: write.labels, json: write.json,
                        previous: write.previous))
                kinds.insert(write.key.kind)
            }
            history.liveBytes += bytes
            while history.liveCount > capacity || history.liveBytes > byteCapacity {
                let dropped = history.events[history.start].revision
                while history.start < history.events.count, history.events[history.start].revision == dropped {
                    history.liveBytes -= Self.size(of: history.events[history.start])
                    history.start += 1
                    history.firstSequence += 1
                }
                history.floor = dropped
            }
            if history.start > 1024, history.start * 2 > history.events.count {
                history.events.removeFirst(history.start)
                history.start = 0
            }
            return kinds
        }
        return watchers.withLock { watchers in
            watchers.open.values.compactMap { kinds.contains($0.kind) ? $0.stream : nil }
        }
    }

    /// Wakes the watches ``record(revision:_:)`` returned.
    func wake(_ streams: [HTTPEventStream]) {
        for stream in streams { stream.wake() }
    }

    private static func size(of write: ObjectWrite) -> Int { write.json.count + (write.previous?.json.count ?? 0) }
    private static func size(of event: Event) -> Int { event.json.count + (event.previous?.json.count ?? 0) }

    /// The position of the first event after `revision`; nil when such events were dropped.
    func position(after revision: Int64) -> Int? {
        history.withLock { history in
            guard revision >= history.floor else { return nil }
            // The first live event with a later revision (events are in revision order).
            var low = history.start
            var high = history.events.count
            while low < high {
                let middle = (low + high) / 2
                if history.events[middle].revision <= revision { low = middle + 1 } else { high = middle }
            }
            return history.firstSequence + low - history.start
        }
    }

    /// Up to `limit` events from `position`.
    func read(from position: Int, limit: Int) -> Read {
        history.withLock { history in
            guard position >= history.firstSequence else { return .expired(floor: history.floor) }
            let from = history.start + min(position - history.firstSequence, history.liveCount)
            let to = min(history.events.count, from + limit)
            return .events(
                Array(history.events[from..<to]), next: history.firstSequence + to - history.start, end: history.endSequence,
                revision: history.latest)
        }
    }

    /// A watch's place among the open ones.
    struct Ticket: Sendable {
        let id: Int
    }

    /// Counts a new watch; nil when `limit` are open already.
    func open(_ kind: ResourceKind, limit: Int) -> Ticket? {
        watchers.withLock { watchers in
            guard watchers.open.count < limit else { return nil }
            defer { watchers.nextID += 1 }
            watchers.open[watchers.nextID] = Watcher(kind: kind, stream: nil)
            return Ticket(id: watchers.nextID)
        }
    }

    /// The stream to wake when the watch's kind is written.
    func attach(_ ticket: Ticket, _ stream: HTTPEventStream) {
        watchers.withLock { $0.open[ticket.id]?.stream = stream }
    }

    /// Releases the watch's place.
    func close(_ ticket: Ticket) {
        _ = watchers.withLock { $0.open.removeValue(forKey: ticket.id) }
    }
}
