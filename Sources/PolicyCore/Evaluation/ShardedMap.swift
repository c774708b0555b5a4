/// A dictionary split into fixed shards, so an updated copy shares all but one shard with the original.
///
/// The compiled evaluator is immutable and shared by every reader; a pod write must publish a new
/// version without copying 100,000 entries. Changing one key copies one shard (1/256th of the map).
struct ShardedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private static var shardCount: Int { 256 }
    private var shards: [[Key: Value]]
    private(set) var count = 0

    init() {
        shards = Array(repeating: [:], count: Self.shardCount)
    }

    @inline(__always)
    private static func shard(of key: Key) -> Int {
        // Hash bits are well mixed by Hasher; the low byte picks the shard.
        Int(UInt(bitPattern: key.hashValue) & UInt(shardCount - 1))
    }

    subscript(key: Key) -> Value? {
        get { shards[Self.shard(of: key)][key] }
        set {
            let index = Self.shard(of: key)
            if let newValue {
                if shards[index].updateValue(newValue, forKey: key) == nil { count += 1 }
            } else if shards[index].removeValue(forKey: key) != nil {
                count -= 1
            }
        }
    }

    /// Every entry; order is unspecified.
    func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for shard in shards { for (key, value) in shard { try body(key, value) } }
    }

    var values: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for shard in shards { result.append(contentsOf: shard.values) }
        return result
    }
}
