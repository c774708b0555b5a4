/// Who can reach one endpoint, and what it can reach: the union of the single decisions about it.
public struct Reachability: Sendable {
    public let revision: Int64
    /// Address ranges outside every stored pod, in address order; ranges allowed the same ports are
    /// one entry, written as the fewest CIDRs.
    public var addresses: [(cidr: CIDR, ports: ProtocolPorts)] = []
    /// The answer per pod class; pods are listed from the index when asked for, so a hundred
    /// thousand names are not built as strings only to be written out.
    /// Ids into `values`, per class.
    let perClass: [Int32]
    let values: [ProtocolPorts]
    let index: ConnectivityIndex
    /// The pod asked about, never listed with itself.
    let itself: ObjectKey?
    /// The walks this answer made, to start the next answer on the same index from (see ``WalkCache``).
    public let walks: WalkCache?

    /// Pods (`ns/name`, sorted) with something allowed, and what.
    public var pods: [(pod: String, ports: ProtocolPorts)] {
        var result: [(pod: String, ports: ProtocolPorts)] = []
        for (position, key) in index.podOrder.enumerated() where key != itself {
            let ports = values[Int(perClass[Int(index.podClass[position])])]
            if !ports.isEmpty { result.append(("\(key.namespace)/\(key.name)", ports)) }
        }
        return result
    }

    /// `[{"pod":"ns/name","ports":{...}},...]`, written straight from the index: each pod's name was
    /// encoded once when the index was built, each answer once here.
    public func writePodsJSON(into out: inout [UInt8]) {
        let next = podsJSONPieces(piece: Int.max)
        while let piece = next() { out.append(contentsOf: piece) }
    }

    /// The pods list (`[...]`) in pieces of about `piece`
    /// bytes, nil after the last: a streamed body starts leaving while the rest is written.
    public func podsJSONPieces(piece: Int = 256 << 10) -> () -> [UInt8]? {
        var answerBytes: [UInt8] = []
        var answerStart = [0]
        for ports in values {
            answerBytes.append(contentsOf: #","ports":"#.utf8)
            ports.writeJSON(into: &answerBytes)
            answerBytes.append(UInt8(ascii: "}"))
            answerStart.append(answerBytes.count)
        }
        let empty = values.map(\.isEmpty)
        let source = index
        let skipped = itself.flatMap { key in source.podPosition[key] } ?? -1
        let perClass = perClass
        let opening = Array(#",{"pod":"#.utf8)
        let count = source.podClass.count
        var position = 0
        var wroteAny = false
        var finished = false
        return {
            if finished { return nil }
            return source.podClass.withUnsafeBufferPointer { podClass in
                perClass.withUnsafeBufferPointer { perClass in
                    source.podNameStart.withUnsafeBufferPointer { nameStart in
                        source.podNameBytes.withUnsafeBufferPointer { names in
                            answerBytes.withUnsafeBufferPointer { answers in
                                // The pods of this piece, and its size.
                                let first = position
                                var size = position == 0 ? 1 : 0
                                while position < count && size < piece {
                                    let id = Int(perClass[Int(podClass[position])])
                                    if !empty[id] && position != skipped {
                                        size += opening.count + nameStart[position + 1] - nameStart[position]
                                        size += answerStart[id + 1] - answerStart[id]
                                    }
                                    position += 1
                                }
                                let last = position == count
                                if last { size += 1 }
                                return [UInt8](unsafeUninitializedCapacity: size) { buffer, written in
                                    var at = 0
                                    func put(_ source: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
                                        guard !range.isEmpty else { return }
                                        (buffer.baseAddress! + at).update(
                                            from: source.baseAddress! + range.lowerBound, count: range.count)
                                        at += range.count
                                    }
                                    if first == 0 {
                                        buffer[at] = UInt8(ascii: "[")
                                        at += 1
                                    }
                                    opening.withUnsafeBufferPointer { opening in
                                        for item in first..<position where item != skipped {
                                            let id = Int(perClass[Int(podClass[item])])
                                            if empty[id] { continue }
                                            put(opening, (wroteAny ? 0 : 1)..<opening.count)
                                            wroteAny = true
                                            put(names, nameStart[item]..<nameStart[item + 1])
                                            put(answers, answerStart[id]..<answerStart[id + 1])
                                        }
                                    }
                                    if last {
                                        buffer[at] = UInt8(ascii: "]")
                                        at += 1
                                        finished = true
                                    }
                                    written = at
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// How many pods the answer lists.
    public var podCount: Int {
        var count = 0
        for (position, key) in index.podOrder.enumerated() where key != itself {
            if !values[Int(perClass[Int(index.podClass[position])])].isEmpty { count += 1 }
        }
        return count
    }
}

extension CompiledPolicySet {
    public enum ReachDirection: Sendable {
        /// Who can reach the endpoint.
        case to
        /// What the endpoint can reach.
        case from
    }

    /// Every pod and outside address range that can reach the endpoint (`.to`), or that it can reach
    /// (`.from`), with the ports: for each listed pod exactly what `decide` allows on every port.
    /// - Parameters:
    ///   - index: built from this set (same revision).
    ///   - port, protocol: narrow the answer to one port (TCP unless `protocol` says) or one protocol.
    /// - Throws: ``DecisionError`` for an unknown pod or namespace, or a bad port.
    public func reachability(
        _ direction: ReachDirection, _ endpoint: Endpoint, port: Int?, protocol proto: TransportProtocol?,
        index: ConnectivityIndex, jobs: JobRunner = .sequential, walks: WalkCache? = nil
    ) throws(DecisionError) -> Reachability {
        if let port, !PortNumber.isValid(port) {
            throw DecisionError(kind: .invalid, field: "port", message: PortNumber.outOfRangeMessage(String(port)))
        }
        let field = direction == .to ? "to" : "from"
        let resolved = try resolve(endpoint, field: field)
        var itself: ObjectKey?
        if case .pod(let namespace, let name) = endpoint { itself = ObjectKey(kind: .pod, namespace: namespace, name: name) }
        if case .address = endpoint, let pod = resolved.pod { itself = pod.key }
        // A stored pod is its class's representative, an outside address its piece's: both then
        // read criteria from the index's columns. A hypothetical pod is evaluated as it is.
        var subject = Party(
            view: resolved.view, pod: resolved.pod, portsID: index.portsID(of: resolved.view.pod?.namedPorts ?? []))
        if let itself, let position = index.classOfPod[itself] {
            subject = index.classes[Int(position)].party
        } else if resolved.pod == nil, let address = resolved.view.address,
            let atom = index.atoms.first(where: { $0.range.contains(address) })
        {
            subject = atom.party
        }

        let seed = walks.flatMap { $0.index === index && $0.port == port && $0.proto == proto ? $0.memo : nil }
        var made: SideMemo?
        var perClass: [Int32]
        var values: [ProtocolPorts]
        if let (ids, memo) = reachByBlocks(direction, subject, port: port, protocol: proto, index: index, seed: seed) {
            (perClass, values, made) = (ids, memo.values, memo)
        } else {
            (perClass, values) = reachByPairs(direction, subject, port: port, protocol: proto, index: index, jobs: jobs)
        }
        var answer = Reachability(
            revision: revision, perClass: perClass, values: values, index: index, itself: itself,
            walks: made.map { WalkCache(memo: $0, index: index, port: port, proto: proto) })
        // Address to address is no pod's business: only a pod subject has address peers.
        guard resolved.pod != nil else { return answer }
        answer.addresses = AddressMerge.answers(
            self, index, subject, outbound: direction == .from, memo: SideMemo(index: index, port: port, protocol: proto))
        return answer
    }
}

extension CompiledPolicySet {
    /// One answer per class for a stored pod: the subject's own side splits the classes into
    /// blocks of equal criteria (one walk per block), and the other side is one walk per key of
    /// the other classes' tables (classes whose table is empty allow everything).
    func reachByBlocks(
        _ direction: ReachDirection, _ subject: Party, port: Int?, protocol proto: TransportProtocol?, index: ConnectivityIndex,
        seed: SideMemo?
    ) -> ([Int32], SideMemo)? {
        let splitter = BlockSplitter(index: index)
        let egress = direction == .from
        guard let key = splitter.key(subject, egress: egress) else { return nil }
        let memo = seed?.copy() ?? SideMemo(index: index, port: port, protocol: proto)
        guard let (blockOf, answers) = splitter.split(self, subject, key, egress: egress, memo) else { return nil }
        let otherKeys = egress ? index.ingressKey : index.egressKey
        var others = [Int32](repeating: -1, count: index.keyCount)
        var result = [Int32](repeating: SideMemo.nothing, count: index.classes.count)
        for position in 0..<result.count {
            let own = answers[Int(blockOf[position])]
            if own == SideMemo.nothing { continue }
            let otherKey = Int(otherKeys[position])
            if otherKey < 0 {
                result[position] = own
                continue
            }
            if others[otherKey] < 0 {
                others[otherKey] = memo.side(self, subject: index.classes[position].party, peer: subject, egress: !egress)
            }
            result[position] = memo.intersection(own, others[otherKey])
        }
        return (result, memo)
    }

    /// One answer per class, pair by pair: for a subject outside the index (a hypothetical pod, an address).
    func reachByPairs(
        _ direction: ReachDirection, _ subject: Party, port: Int?, protocol proto: TransportProtocol?,
        index: ConnectivityIndex, jobs: JobRunner
    ) -> ([Int32], [ProtocolPorts]) {
        var perClass = [ProtocolPorts](repeating: .none, count: index.classes.count)
        perClass.withUnsafeMutableBufferPointer { out in
            jobs.forEachRange(index.classes.count, minimum: 4096) { range in
                let memo = SideMemo(index: index, port: port, protocol: proto)
                for position in range {
                    let other = index.classes[position].party
                    let id =
                        direction == .to ? memo.pair(self, from: other, to: subject) : memo.pair(self, from: subject, to: other)
                    out[position] = memo[id]
                }
            }
        }
        let memo = SideMemo(index: index, port: port, protocol: proto)
        return (perClass.map(memo.id), memo.values)
    }
}

/// Turns per-piece answers into the fewest CIDRs: neighbouring pieces with the same ports are one
/// range (pieces left out between them are pods' addresses only, answered as pods), then each range
/// is written as the fewest CIDRs that cover it.
enum AddressMerge {
    /// What a party may send to (`outbound`) or receive from each address piece, as CIDRs.
    static func answers(
        _ set: CompiledPolicySet, _ index: ConnectivityIndex, _ party: Party, outbound: Bool, memo: SideMemo
    ) -> [(cidr: CIDR, ports: ProtocolPorts)] {
        let answers = index.atoms.map { atom in
            memo[outbound ? memo.pair(set, from: party, to: atom.party) : memo.pair(set, from: atom.party, to: party)]
        }
        return cidrs(index.atoms.map(\.range), answers)
    }

    static func cidrs(_ ranges: [AddressRange], _ answers: [ProtocolPorts]) -> [(cidr: CIDR, ports: ProtocolPorts)] {
        var merged: [(AddressRange, ProtocolPorts)] = []
        for (range, ports) in zip(ranges, answers) {
            if let last = merged.last, last.0.isIPv4 == range.isIPv4, last.1 == ports {
                merged[merged.count - 1].0 = AddressRange(isIPv4: range.isIPv4, low: last.0.low, high: range.high)
            } else {
                merged.append((range, ports))
            }
        }
        var result: [(cidr: CIDR, ports: ProtocolPorts)] = []
        for (range, ports) in merged where !ports.isEmpty {
            for cidr in range.cidrs { result.append((cidr, ports)) }
        }
        return result
    }
}

/// The walks one reachability answer made, kept to start the next answer on the same index: a
/// walk is fixed by a rule table and which of its rules' criteria hold, whoever asks, so answers
/// after the first mostly look their walks up. Never changed once made (each answer works on a
/// copy), so it may be shared between threads.
public final class WalkCache: @unchecked Sendable {
    let memo: SideMemo
    let index: ConnectivityIndex
    let port: Int?
    let proto: TransportProtocol?

    init(memo: SideMemo, index: ConnectivityIndex, port: Int?, proto: TransportProtocol?) {
        self.memo = memo
        self.index = index
        self.port = port
        self.proto = proto
    }
}
