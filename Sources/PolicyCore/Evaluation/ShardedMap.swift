/// A dictionary split into fixed shards, so an updated copy shares all but one shard with the original.
///
/// The compiled evaluator is immutable and shared by every reader; a pod write must publish a new
/// version without copying 100,000 entries. Changing one key copies one shard (1/256th of the map).
struct ShardedMap<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    /// A key with its hash computed once: picking the shard and probing it then hash the key's
    /// strings once per lookup, not twice.
    struct HashedKey: Hashable, Sendable {
        let key: Key
        let hash: Int
        init(_ key: Key) {
            self.key = key
            hash = key.hashValue
        }
        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
        static func == (lhs: HashedKey, rhs: HashedKey) -> Bool { lhs.hash == rhs.hash && lhs.key == rhs.key }
    }

    private static var shardCount: Int { 256 }
    private var shards: [[HashedKey: Value]]
    private(set) var count = 0

    init() {
        shards = Array(repeating: [:], count: Self.shardCount)
    }

    @inline(__always)
    private static func shard(of key: HashedKey) -> Int {
        // Hash bits are well mixed by Hasher; the low byte picks the shard.
        Int(UInt(bitPattern: key.hash) & UInt(shardCount - 1))
    }

    subscript(key: Key) -> Value? {
        get {
            let hashed = HashedKey(key)
            return shards[Self.shard(of: hashed)][hashed]
        }
        set {
            let hashed = HashedKey(key)
            let index = Self.shard(of: hashed)
            if let newValue {
                if shards[index].updateValue(newValue, forKey: hashed) == nil { count += 1 }
            } else if shards[index].removeValue(forKey: hashed) != nil {
                count -= 1
            }
        }
    }

    /// Every entry; order is unspecified.
    func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for shard in shards { for (key, value) in shard { try body(key.key, value) } }
    }

    var values: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for shard in shards { result.append(contentsOf: shard.values) }
        return result
    }
}
