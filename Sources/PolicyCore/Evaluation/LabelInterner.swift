/// Label keys, label values and namespace names as small integers, so selectors compare integers
/// in a pod's contiguous label array instead of hashing strings into dictionaries.
///
/// Append-only within one lineage of compiled sets: an id, once given, keeps its meaning in every
/// later set built incrementally from this one, so compiled pods and rule tables stay valid. A full
/// compile starts a fresh interner. A persistent value (sharded, copy-on-write) like the rest of
/// the compiled set: interning during a write copies one shard, readers never see it change.
struct LabelInterner: Sendable {
    /// The id of a string this interner has never seen (a hypothetical workload's label value):
    /// it equals no constant of any compiled selector.
    static let unknown = UInt32.max

    private var ids = ShardedMap<String, UInt32>()

    /// The string's id, adding it when new.
    mutating func intern(_ text: String) -> UInt32 {
        if let id = ids[text] { return id }
        let id = UInt32(ids.count)
        ids[text] = id
        return id
    }

    /// The string's id when it has one; never adds.
    func lookup(_ text: String) -> UInt32? { ids[text] }

    /// One label as a sortable word: key id in the high half, value id in the low half.
    @inline(__always)
    static func word(key: UInt32, value: UInt32) -> UInt64 { UInt64(key) << 32 | UInt64(value) }

    /// Labels as sorted words, interning every key and value.
    mutating func words(_ labels: [String: String]) -> [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(labels.count)
        for (key, value) in labels { result.append(Self.word(key: intern(key), value: intern(value))) }
        result.sort()
        return result
    }

    /// Labels as sorted words without interning: a key never seen is dropped (no selector names
    /// it), a value never seen becomes ``unknown``.
    func lookupWords(_ labels: [String: String]) -> [UInt64] {
        var result: [UInt64] = []
        result.reserveCapacity(labels.count)
        for (key, value) in labels {
            guard let keyID = lookup(key) else { continue }
            result.append(Self.word(key: keyID, value: lookup(value) ?? Self.unknown))
        }
        result.sort()
        return result
    }
}

/// Which of a pod's three label sets a selector program reads.
enum LabelSegment: Sendable {
    /// The pod's own labels (Kubernetes podSelectors).
    case own
    /// Its namespace's labels (Kubernetes namespaceSelectors).
    case namespace
    /// The labels Calico selectors see (inherited `pcns.*`, own, Calico's keys).
    case calico
}
