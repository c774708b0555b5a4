/// Answers for one direction of pairs, remembered by what decides them, as small ids.
///
/// A rule whose criteria (peer, Calico entities, IP version) hold gives the same ports for every
/// flow with the same protocol and the same destination named ports. So the ports one side allows
/// are fixed by its rule table, which of the table's rules' criteria hold, and (when a rule names a
/// port) the destination's named ports: that is the key. Criteria of indexed parties are bit
/// lookups in ``RuleColumns``; the walk over every port of three protocols runs once per distinct
/// key. Answers, and their intersections and unions, are ids into ``values`` (0: nothing, 1:
/// everything), so a set answer over millions of pairs compares and combines integers. Not shared
/// between threads: each job of a set answer has its own.
final class SideMemo {
    /// Every answer seen, narrowed to the question's port and protocol; ids index it.
    private(set) var values: [ProtocolPorts]
    private var ids: [ProtocolPorts: Int32]
    private var fast: [FastKey: Int32] = [:]
    private var slow: [SlowKey: Int32] = [:]
    private var intersections: [UInt64: Int32] = [:]
    /// Intersections of small ids, without hashing: most set answers have a few dozen distinct answers.
    private var smallIntersections = [Int32](repeating: -1, count: SideMemo.small * SideMemo.small)
    private static let small = 256
    private var unions: [UInt64: Int32] = [:]
    private let index: ConnectivityIndex?
    private let port: Int?
    private let proto: TransportProtocol?

    static let nothing: Int32 = 0
    static let everything: Int32 = 1

    private struct FastKey: Hashable {
        let table: Int32
        let portsID: Int32
        let bits: UInt64
    }

    private struct SlowKey: Hashable {
        let table: ObjectIdentifier
        let portsID: Int32
        let bits: [UInt64]
    }

    /// - Parameters:
    ///   - index: read criteria from its columns for its own classes and pieces.
    ///   - port, protocol: what answers are narrowed to.
    init(index: ConnectivityIndex?, port: Int? = nil, protocol proto: TransportProtocol? = nil) {
        self.index = index
        self.port = port
        self.proto = proto
        let all = ProtocolPorts.all.restricted(port: port, protocol: proto)
        values = [.none, all]
        ids = [.none: 0, all: 1]
    }

    func id(_ ports: ProtocolPorts) -> Int32 {
        if let found = ids[ports] { return found }
        values.append(ports)
        ids[ports] = Int32(values.count - 1)
        return Int32(values.count - 1)
    }

    /// The ports the subject's policies allow towards (egress) or from (ingress) the peer.
    func side(_ set: CompiledPolicySet, subject: Party, peer: Party, egress: Bool) -> Int32 {
        guard let pod = subject.pod else { return Self.everything }
        let table = egress ? pod.egressTable : pod.ingressTable
        if table.policies.isEmpty { return Self.everything }
        let flow = Flow(subjectView: subject.view, peer: peer.view, isEgress: egress, protocol: .tcp)
        let count = table.code.rules.count
        let portsID = table.usesNamedPorts ? (egress ? peer.portsID : subject.portsID) : -1
        let slot = egress ? subject.egressSlot : subject.ingressSlot
        if slot >= 0, peer.element >= 0, let index, let refs = index.tableRefs[Int(slot)] {
            let columns = index.columns
            let (source, destination) = egress ? (subject.element, peer.element) : (peer.element, subject.element)
            let rules = table.code.rules
            @inline(__always) func hit(_ position: Int) -> Bool {
                let rule = rules[position]
                let ref = refs[position]
                if !rule.isCalico { return columns.bit(ref.first, peer.element) }
                if rule.ipVersion != 0, let family = RuleTable.connectionFamily(flow), (rule.ipVersion == 4) != family {
                    return false
                }
                return columns.bit(ref.first, source) && columns.bit(ref.second, destination)
            }
            if count <= 64 {
                var bits: UInt64 = 0
                for position in 0..<count where hit(position) { bits |= 1 << UInt64(position) }
                let key = FastKey(table: slot, portsID: portsID, bits: bits)
                if let found = fast[key] { return found }
                let made = walk(set, table, flow)
                fast[key] = made
                return made
            }
            // A table of more than 64 rules (a namespace with many policies): the same, in words.
            var words = [UInt64](repeating: 0, count: (count + 63) / 64)
            for position in 0..<count where hit(position) { words[position >> 6] |= 1 << UInt64(position & 63) }
            let key = SlowKey(table: ObjectIdentifier(table), portsID: portsID, bits: words)
            if let found = slow[key] { return found }
            let made = walk(set, table, flow)
            slow[key] = made
            return made
        }
        var bits = [UInt64](repeating: 0, count: (count + 63) / 64)
        for position in 0..<count where table.criteriaMatch(position, flow) {
            bits[position / 64] |= 1 << UInt64(position % 64)
        }
        let key = SlowKey(table: ObjectIdentifier(table), portsID: portsID, bits: bits)
        if let found = slow[key] { return found }
        let made = walk(set, table, flow)
        slow[key] = made
        return made
    }

    /// The ordered walk of the table over every port of each protocol, for one representative flow.
    private func walk(_ set: CompiledPolicySet, _ table: RuleTable, _ flow: Flow) -> Int32 {
        var result = ProtocolPorts.none
        for proto in TransportProtocol.allCases {
            var each = flow
            each.protocol = proto
            result[proto] = set.evaluate(each, table, port: nil).ports ?? .all
        }
        return id(result.restricted(port: port, protocol: proto))
    }

    /// What both sides allow: the source's egress and the destination's ingress.
    func pair(_ set: CompiledPolicySet, from source: Party, to destination: Party) -> Int32 {
        let out = side(set, subject: source, peer: destination, egress: true)
        if out == Self.nothing { return out }
        let into = side(set, subject: destination, peer: source, egress: false)
        return intersection(out, into)
    }

    /// A memo that starts from this one's answers (same ids), for another thread.
    func copy() -> SideMemo {
        let other = SideMemo(index: index, port: port, protocol: proto)
        other.values = values
        other.ids = ids
        other.fast = fast
        other.slow = slow
        other.intersections = intersections
        other.unions = unions
        other.smallIntersections = smallIntersections
        return other
    }

    func intersection(_ first: Int32, _ second: Int32) -> Int32 {
        if first == second || second == Self.everything || first == Self.nothing { return first }
        if first == Self.everything || second == Self.nothing { return second }
        if first < Self.small && second < Self.small {
            let slot = Int(first) * Self.small + Int(second)
            let found = smallIntersections[slot]
            if found >= 0 { return found }
            let made = id(values[Int(first)].intersection(values[Int(second)]))
            smallIntersections[slot] = made
            return made
        }
        let key = UInt64(UInt32(min(first, second))) << 32 | UInt64(UInt32(max(first, second)))
        if let found = intersections[key] { return found }
        let made = id(values[Int(first)].intersection(values[Int(second)]))
        intersections[key] = made
        return made
    }

    func union(_ first: Int32, _ second: Int32) -> Int32 {
        if first == second || second == Self.nothing || first == Self.everything { return first }
        if first == Self.nothing || second == Self.everything { return second }
        let key = UInt64(UInt32(min(first, second))) << 32 | UInt64(UInt32(max(first, second)))
        if let found = unions[key] { return found }
        let made = id(values[Int(first)].union(values[Int(second)]))
        unions[key] = made
        return made
    }

    subscript(_ id: Int32) -> ProtocolPorts { values[Int(id)] }
}
