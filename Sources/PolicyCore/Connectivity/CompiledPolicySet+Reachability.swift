/// Who can reach one endpoint, and what it can reach: the union of the single decisions about it.
public struct Reachability: Sendable {
    public let revision: Int64
    /// Pods (`ns/name`, sorted) with something allowed, and what.
    public var pods: [(pod: String, ports: ProtocolPorts)] = []
    /// Address ranges outside every stored pod, in address order; ranges allowed the same ports are
    /// one entry, written as the fewest CIDRs.
    public var addresses: [(cidr: CIDR, ports: ProtocolPorts)] = []
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
        index: ConnectivityIndex, jobs: JobRunner = .sequential
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

        // One answer per class, in parallel; pods of a class all get their class's answer.
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
        var answer = Reachability(revision: revision)
        for namespace in index.namespaces {
            for key in index.podsByNamespace[namespace] ?? [] where key != itself {
                guard let position = index.classOfPod[key] else { continue }
                let ports = perClass[Int(position)]
                if !ports.isEmpty { answer.pods.append(("\(key.namespace)/\(key.name)", ports)) }
            }
        }
        // Address to address is no pod's business: only a pod subject has address peers.
        guard resolved.pod != nil else { return answer }
        let memo = SideMemo(index: index, port: port, protocol: proto)
        let perAtom = index.atoms.map { atom in
            memo[direction == .to ? memo.pair(self, from: atom.party, to: subject) : memo.pair(self, from: subject, to: atom.party)]
        }
        answer.addresses = AddressMerge.cidrs(index.atoms.map(\.range), perAtom)
        return answer
    }
}

/// Turns per-piece answers into the fewest CIDRs: neighbouring pieces with the same ports are one
/// range (pieces left out between them are pods' addresses only, answered as pods), then each range
/// is written as the fewest CIDRs that cover it.
enum AddressMerge {
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
