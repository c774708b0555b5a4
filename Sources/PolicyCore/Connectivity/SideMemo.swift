/// Answers for one direction of pairs, remembered by what decides them.
///
/// A rule whose criteria (peer, Calico entities, IP version) hold gives the same ports for every
/// flow with the same protocol and the same destination named ports. So the ports one side allows
/// are fixed by its rule table, which of the table's rules' criteria hold, and (when a rule names a
/// port) the destination's named ports: that is the key. Checking criteria is a few selector
/// programs; the walk over every port of three protocols runs once per distinct key. Not shared
/// between threads: each job of a set answer has its own.
final class SideMemo {
    private var answers: [Key: ProtocolPorts] = [:]

    private struct Key: Hashable {
        let table: ObjectIdentifier
        let bits: UInt64
        let more: [UInt64]
        let portsID: Int32
    }

    /// The ports the subject's policies allow towards (egress) or from (ingress) the peer, on
    /// every port of every protocol.
    func ports(_ set: CompiledPolicySet, subject: Party, peer: Party, egress: Bool) -> ProtocolPorts {
        guard let pod = subject.pod else { return .all }
        let table = egress ? pod.egressTable : pod.ingressTable
        if table.policies.isEmpty { return .all }
        let flow = Flow(subjectView: subject.view, peer: peer.view, isEgress: egress, protocol: .tcp)
        let count = table.code.rules.count
        var bits: UInt64 = 0
        var more: [UInt64] = []
        if count > 64 { more = [UInt64](repeating: 0, count: (count - 1) / 64) }
        for index in 0..<count where table.criteriaMatch(index, flow) {
            if index < 64 { bits |= 1 << UInt64(index) } else { more[index / 64 - 1] |= 1 << UInt64(index % 64) }
        }
        let key = Key(
            table: ObjectIdentifier(table), bits: bits, more: more,
            portsID: table.usesNamedPorts ? (egress ? peer.portsID : subject.portsID) : -1)
        if let found = answers[key] { return found }
        var result = ProtocolPorts.none
        for proto in TransportProtocol.allCases {
            var each = flow
            each.protocol = proto
            result[proto] = set.evaluate(each, table, port: nil).ports ?? .all
        }
        answers[key] = result
        return result
    }

    /// What both sides allow: the source's egress and the destination's ingress.
    func pair(_ set: CompiledPolicySet, from source: Party, to destination: Party) -> ProtocolPorts {
        let out = ports(set, subject: source, peer: destination, egress: true)
        if out.isEmpty { return out }
        return out.intersection(ports(set, subject: destination, peer: source, egress: false))
    }
}
