import MicroHTTP
import PolicyCore

/// One watch's position in the change feed, and the producer of its stream: the initial events
/// (if any), then every change after its resourceVersion that its filter selects, bookmarks when
/// asked for, and the end at its timeout. An event list the watch fell behind (dropped from the
/// bounded history) ends it with an `ERROR` event holding a `410 Expired` Status, after which
/// clients list again, as they do with the Kubernetes API server.
///
/// Only ever called under its stream's lock (``HTTPEventStream``), so it needs no lock of its own.
final class WatchSession {
    /// About this much is produced per call: one call runs on a worker thread, like an inline answer.
    static let chunkBytes = 32 << 10

    private let feed: ChangeFeed
    private let filter: WatchFilter
    private var initialEvents: [UInt8]
    private var initialOffset = 0
    /// A bookmark to send after the initial events (`sendInitialEvents=true` with bookmarks).
    private var initialEnd: Int64?
    /// Events of this revision or older were sent as initial events or were before the watch.
    private let start: Int64
    /// The next event to read; nil when the start was already dropped from the history.
    private var position: Int?
    /// The resourceVersion of the last event (or bookmark) sent.
    private var sent: Int64
    /// Every event up to this revision has been read.
    private var seen: Int64
    private let deadline: ContinuousClock.Instant
    private let bookmarkInterval: Duration?
    private var nextBookmark: ContinuousClock.Instant?
    private var finished = false

    init(
        feed: ChangeFeed, filter: WatchFilter, start: Int64, initialEvents: [UInt8], initialEnd: Int64?, timeout: Duration,
        bookmarkInterval: Duration?
    ) {
        self.feed = feed
        self.filter = filter
        self.start = start
        self.initialEvents = initialEvents
        self.initialEnd = initialEnd
        position = feed.position(after: start)
        sent = start
        seen = start
        let now = ContinuousClock.now
        deadline = now + timeout
        self.bookmarkInterval = bookmarkInterval
        nextBookmark = bookmarkInterval.flatMap { bookmarkTime(after: now, interval: $0) }
    }

    /// The next part of the stream (see ``HTTPEventStream/Next``).
    func next() -> HTTPEventStream.Next {
        if finished { return .end }
        var out: [UInt8] = []
        if initialOffset < initialEvents.count {
            let end = min(initialEvents.count, initialOffset + Self.chunkBytes)
            out.append(contentsOf: initialEvents[initialOffset..<end])
            initialOffset = end
            guard initialOffset == initialEvents.count else { return .data(out) }
            initialEvents = []
            initialOffset = 0
        }
        if let revision = initialEnd {
            initialEnd = nil
            appendBookmark(revision, initialEventsEnd: true, to: &out)
        }
        reading: while out.count < Self.chunkBytes {
            guard let from = position else {
                expire(floor: feed.oldestResourceVersion, into: &out)
                return .data(out)
            }
            switch feed.read(from: from, limit: 256) {
            case .expired(let floor):
                expire(floor: floor, into: &out)
                return .data(out)
            case .events(let events, let next, let end, let revision):
                for event in events where event.revision > start {
                    if filter.append(event, to: &out) { sent = event.revision }
                }
                position = next
                if next == end {
                    seen = max(seen, revision)
                    break reading
                }
            }
        }
        if out.count >= Self.chunkBytes { return .data(out) }
        let now = ContinuousClock.now
        if now >= deadline {
            finished = true
            return out.isEmpty ? .end : .data(out)
        }
        if let interval = bookmarkInterval, let due = nextBookmark, now >= due {
            if seen > sent { appendBookmark(seen, initialEventsEnd: false, to: &out) }
            nextBookmark = bookmarkTime(after: now, interval: interval)
        }
        guard out.isEmpty else { return .data(out) }
        return .wait(until: min(deadline, nextBookmark ?? deadline))
    }

    /// As the API server schedules them: a minute on, but not later than 2 s before the timeout.
    private func bookmarkTime(after now: ContinuousClock.Instant, interval: Duration) -> ContinuousClock.Instant? {
        let last = deadline - .seconds(2)
        let next = min(now + interval, last)
        return next > now ? next : nil
    }

    private func appendBookmark(_ revision: Int64, initialEventsEnd: Bool, to out: inout [UInt8]) {
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(revision))]
        if initialEventsEnd { metadata["annotations"] = .object(["k8s.io/initial-events-end": "true"]) }
        let object: JSONValue = .object([
            "kind": .string(filter.kind.kind), "apiVersion": .string(filter.kind.apiVersion), "metadata": .object(metadata),
        ])
        Self.appendEvent("BOOKMARK", JSONWriter.bytes(object), to: &out)
        sent = revision
    }

    /// The watch fell behind the history: one ERROR event, then the end.
    private func expire(floor: Int64, into out: inout [UInt8]) {
        let status = APIStatus(
            code: 410, reason: "Expired", message: "too old resource version: \(max(sent, start)) (\(floor))")
        Self.appendEvent("ERROR", JSONWriter.bytes(status.json), to: &out)
        finished = true
    }

    /// One line of the stream: `{"type":"ADDED","object":{...}}` and a newline.
    static func appendEvent(_ type: String, _ object: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: #"{"type":""#.utf8)
        out.append(contentsOf: type.utf8)
        out.append(contentsOf: #"","object":"#.utf8)
        out.append(contentsOf: object)
        out.append(contentsOf: "}\n".utf8)
    }
}
