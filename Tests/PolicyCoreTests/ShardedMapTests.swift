import SeededRandom
import Testing

@testable import PolicyCore

/// The evaluator's sharded hash map behaves as a `Dictionary` (the oracle) under any sequence of
/// writes, including keys whose hashes collide, and copies stay independent.
@Suite struct ShardedMapTests {
    /// A key whose hash the test chooses: few distinct hashes make long probe runs and collisions.
    struct CollidingKey: ShardKey {
        let id: Int
        let hashBits: UInt64
        var shardHash: UInt64 { hashBits }
    }

    @Test func agreesWithADictionaryUnderRandomWritesAndRemovals() {
        var random = SeededRandom(state: 17)
        for distinctHashes in [1, 3, 40, 100_000] {
            var map = ShardedMap<CollidingKey, Int>()
            var oracle: [CollidingKey: Int] = [:]
            // Hashes that share their low byte (one shard) and often their slot bits.
            func key(_ id: Int) -> CollidingKey {
                CollidingKey(id: id, hashBits: UInt64(id % distinctHashes) << 16 | 7)
            }
            for step in 0..<6_000 {
                let id = Int.random(in: 0..<700, using: &random)
                if Int.random(in: 0..<3, using: &random) == 0 {
                    map[key(id)] = nil
                    oracle[key(id)] = nil
                } else {
                    map[key(id)] = step
                    oracle[key(id)] = step
                }
                if step % 500 == 0 {
                    for probe in 0..<700 { #expect(map[key(probe)] == oracle[key(probe)]) }
                }
            }
            #expect(map.count == oracle.count)
            for probe in 0..<700 { #expect(map[key(probe)] == oracle[key(probe)]) }
            var seen: [CollidingKey: Int] = [:]
            map.forEach { seen[$0] = $1 }
            #expect(seen == oracle)
            #expect(map.values.sorted() == oracle.values.sorted())
        }
    }

    @Test func aCopyChangedAfterwardsLeavesTheOriginalAsItWas() {
        var original = ShardedMap<ObjectKey, String>()
        for index in 0..<2_000 {
            original[ObjectKey(kind: .pod, namespace: "ns-\(index % 7)", name: "pod-\(index)")] = "v\(index)"
        }
        var copy = original
        copy[ObjectKey(kind: .pod, namespace: "ns-3", name: "pod-3")] = nil
        copy[ObjectKey(kind: .pod, namespace: "ns-0", name: "new")] = "added"
        #expect(original[ObjectKey(kind: .pod, namespace: "ns-3", name: "pod-3")] == "v3")
        #expect(original[ObjectKey(kind: .pod, namespace: "ns-0", name: "new")] == nil)
        #expect(original.count == 2_000)
        #expect(copy.count == 2_000)
    }

    @Test func keysOfDifferentKindsOrSplitsDoNotMeet() {
        var map = ShardedMap<ObjectKey, Int>()
        map[ObjectKey(kind: .pod, namespace: "ab", name: "c")] = 1
        map[ObjectKey(kind: .pod, namespace: "a", name: "bc")] = 2
        map[ObjectKey(kind: .service, namespace: "ab", name: "c")] = 3
        #expect(map[ObjectKey(kind: .pod, namespace: "ab", name: "c")] == 1)
        #expect(map[ObjectKey(kind: .pod, namespace: "a", name: "bc")] == 2)
        #expect(map[ObjectKey(kind: .service, namespace: "ab", name: "c")] == 3)
        #expect(map[ObjectKey(kind: .pod, namespace: "abc", name: "")] == nil)
    }
}
