import PolicyCore
import Testing

@testable import PolicyAPI
@testable import PolicyStore

/// The watch history is bounded by bytes as well as by events: large objects must not make it a
/// memory sink.
@Suite struct ChangeFeedTests {
    static func log(_ name: String, bytes: Int) -> WriteLog {
        var log = WriteLog(limit: 10)
        log.append(
            ObjectWrite(
                action: .added, key: ObjectKey(kind: .pod, namespace: "x", name: name), labels: [:],
                json: [UInt8](repeating: UInt8(ascii: " "), count: bytes), previous: nil))
        return log
    }

    @Test func theOldestRevisionsGoWhenTheObjectsHeldPassTheByteCapacity() {
        let feed = ChangeFeed(capacity: 100, byteCapacity: 1_000, revision: 1)
        _ = feed.record(revision: 2, Self.log("a", bytes: 600))
        #expect(feed.count == 1)
        _ = feed.record(revision: 3, Self.log("b", bytes: 600))
        // 1,200 bytes: revision 2 is dropped, so a watch from before it is expired.
        #expect(feed.count == 1)
        #expect(feed.oldestResourceVersion == 2)
        #expect(feed.position(after: 1) == nil)
        #expect(feed.position(after: 2) != nil)
    }

    @Test func aRevisionLargerThanTheByteCapacityExpiresEveryHeldPosition() {
        let feed = ChangeFeed(capacity: 100, byteCapacity: 1_000, revision: 1)
        _ = feed.record(revision: 2, Self.log("a", bytes: 100))
        let caughtUp = feed.position(after: 2)
        _ = feed.record(revision: 3, Self.log("huge", bytes: 5_000))
        #expect(feed.count == 0)
        #expect(feed.oldestResourceVersion == 3)
        if let caughtUp, case .expired = feed.read(from: caughtUp, limit: 10) {
        } else {
            Issue.record("a watch caught up before the oversized revision was not expired")
        }
    }
}
