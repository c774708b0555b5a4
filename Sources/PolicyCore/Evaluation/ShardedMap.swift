/// A hash map split into fixed shards, so an updated copy shares all but one shard with the original.
///
/// The compiled evaluator is immutable and shared by every reader; a pod write must publish a new
/// version without copying 100,000 entries. Changing one key copies one shard (1/1024th of the map);
/// a namespaced policy write, which changes every pod of one namespace, copies the 64 shards that
/// namespace's keys live in (see ``ShardKey``), not the whole map.
///
/// Each shard is an open-addressed table whose slots hold the hash, the key and the value side by
/// side: a lookup by a pod's name touches one slot's cache line, where `Dictionary` (used here
/// before) touched its bitmap, its keys and its values apart, and hashed the key twice with SipHash.
/// A decision looks up two pods, and at 100,000 pods those misses were a third of its time.
struct ShardedMap<Key: ShardKey, Value: Sendable>: Sendable {
    fileprivate struct Slot: Sendable {
        let hash: UInt64
        let key: Key
        var value: Value
    }

    /// One shard: linear probing over a power-of-two table, at most three quarters full.
    fileprivate struct Shard: Sendable {
        var slots: [Slot?] = []
        var count = 0

        /// Where `key` is, or the empty slot where it would go.
        @inline(__always)
        func position(of key: Key, hash: UInt64) -> (index: Int, found: Bool) {
            let mask = slots.count - 1
            // The low bits picked the shard; the bits above them pick the slot.
            var index = Int(truncatingIfNeeded: hash >> 16) & mask
            while let slot = slots[index] {
                if slot.hash == hash && slot.key == key { return (index, true) }
                index = (index + 1) & mask
            }
            return (index, false)
        }

        @inline(__always)
        func value(for key: Key, hash: UInt64) -> Value? {
            guard count > 0 else { return nil }
            let (index, found) = position(of: key, hash: hash)
            return found ? slots[index]?.value : nil
        }

        /// Sets the value; true when the key is new.
        mutating func set(_ value: Value, for key: Key, hash: UInt64) -> Bool {
            if slots.isEmpty || (count + 1) * 4 > slots.count * 3 { grow() }
            let (index, found) = position(of: key, hash: hash)
            slots[index] = Slot(hash: hash, key: key, value: value)
            if !found { count += 1 }
            return !found
        }

        /// Removes the key; true when it was there.
        mutating func remove(_ key: Key, hash: UInt64) -> Bool {
            guard count > 0 else { return false }
            var (hole, found) = position(of: key, hash: hash)
            guard found else { return false }
            slots[hole] = nil
            count -= 1
            // Backward-shift deletion: pull later slots of the probe run into the hole, so a
            // lookup's run never crosses a gap (no tombstones to clean up later).
            let mask = slots.count - 1
            var index = (hole + 1) & mask
            while let slot = slots[index] {
                let home = Int(truncatingIfNeeded: slot.hash >> 16) & mask
                // The slot may move to the hole if the hole lies on its way from home to here.
                if (index - home) & mask >= (index - hole) & mask {
                    slots[hole] = slot
                    slots[index] = nil
                    hole = index
                }
                index = (index + 1) & mask
            }
            return true
        }

        private mutating func grow() {
            let old = slots
            slots = Array(repeating: nil, count: max(8, old.count * 2))
            let mask = slots.count - 1
            for case let slot? in old {
                var index = Int(truncatingIfNeeded: slot.hash >> 16) & mask
                while slots[index] != nil { index = (index + 1) & mask }
                slots[index] = slot
            }
        }
    }

    static var shardCount: Int { 1024 }
    private var shards: [Shard]
    private(set) var count = 0

    init() {
        shards = Array(repeating: Shard(), count: Self.shardCount)
    }

    @inline(__always)
    private static func shard(of hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (shardCount - 1) }

    subscript(key: Key) -> Value? {
        get {
            let hash = key.shardHash
            return shards[Self.shard(of: hash)].value(for: key, hash: hash)
        }
        set {
            let hash = key.shardHash
            let index = Self.shard(of: hash)
            if let newValue {
                if shards[index].set(newValue, for: key, hash: hash) { count += 1 }
            } else if shards[index].remove(key, hash: hash) {
                count -= 1
            }
        }
    }

    /// Every entry; order is unspecified.
    func forEach(_ body: (Key, Value) throws -> Void) rethrows {
        for shard in shards { for case let slot? in shard.slots { try body(slot.key, slot.value) } }
    }

    var values: [Value] {
        var result: [Value] = []
        result.reserveCapacity(count)
        for shard in shards { for case let slot? in shard.slots { result.append(slot.value) } }
        return result
    }
}

/// A key with a hash cheap enough for every decision's lookups. Seeded per process, so which names
/// collide cannot be worked out in advance from outside. The low 16 bits pick the shard (of
/// ``ShardedMap/shardCount``), the bits above them the slot: keys written together should share
/// their low bits' few values.
protocol ShardKey: Hashable, Sendable {
    var shardHash: UInt64 { get }
}

/// A multiply-and-rotate hash over 8-byte words with a final avalanche (the last step of
/// MurmurHash3's 64-bit finaliser), seeded once per process.
enum ShardHash {
    static let seed: UInt64 = UInt64.random(in: UInt64.min...UInt64.max) | 1

    @inline(__always)
    static func mix(_ state: UInt64, _ word: UInt64) -> UInt64 {
        let combined = (state ^ word) &* 0x9E37_79B9_7F4A_7C15
        return (combined << 31) | (combined >> 33)
    }

    @inline(__always)
    static func finish(_ state: UInt64) -> UInt64 {
        var value = state
        value ^= value >> 33
        value &*= 0xFF51_AFD7_ED55_8CCD
        value ^= value >> 33
        value &*= 0xC4CE_B9FE_1A85_EC53
        value ^= value >> 33
        return value
    }

    /// `state` with the bytes of `text` and its length mixed in (the length keeps "ab"+"c" apart from "a"+"bc").
    @inline(__always)
    static func mix(_ state: UInt64, _ text: String) -> UInt64 {
        var text = text
        return text.withUTF8 { bytes in
            var state = mix(state, UInt64(bytes.count))
            let raw = UnsafeRawBufferPointer(bytes)
            var offset = 0
            while offset + 8 <= raw.count {
                state = mix(state, raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            if offset < raw.count {
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while offset < raw.count {
                    tail |= UInt64(raw[offset]) << shift
                    shift += 8
                    offset += 1
                }
                state = mix(state, tail)
            }
            return state
        }
    }
}

extension ObjectKey: ShardKey {
    /// The objects of one namespace fall in 64 of the 1,024 shards: a policy write updates every
    /// pod of its namespace, and copies those shards only. 64 rather than 1: one namespace of
    /// 100,000 pods still spreads over shards of about 1,500.
    var shardHash: UInt64 {
        let whole = ShardHash.finish(
            ShardHash.mix(ShardHash.mix(ShardHash.mix(ShardHash.seed, UInt64(kind.applyRank)), namespace), name))
        let namespaceShard = ShardHash.finish(ShardHash.mix(ShardHash.seed, namespace))
        let shard = (namespaceShard &+ (whole & 63)) & 0xFFFF
        return (whole & ~0xFFFF) | shard
    }
}

extension IPAddress: ShardKey {
    var shardHash: UInt64 {
        ShardHash.finish(ShardHash.mix(ShardHash.mix(ShardHash.seed, high), low &+ (isIPv4 ? 1 : 0)))
    }
}

extension String: ShardKey {
    var shardHash: UInt64 { ShardHash.finish(ShardHash.mix(ShardHash.seed, self)) }
}
