/// Allowed destination ports per transport protocol: what a set answer says about one pair.
public struct ProtocolPorts: Sendable, Hashable {
    public var tcp: PortSet
    public var udp: PortSet
    public var sctp: PortSet

    public static let all = ProtocolPorts(tcp: .all, udp: .all, sctp: .all)
    public static let none = ProtocolPorts(tcp: .empty, udp: .empty, sctp: .empty)

    public init(tcp: PortSet, udp: PortSet, sctp: PortSet) {
        self.tcp = tcp
        self.udp = udp
        self.sctp = sctp
    }

    public subscript(_ proto: TransportProtocol) -> PortSet {
        get {
            switch proto {
            case .tcp: tcp
            case .udp: udp
            case .sctp: sctp
            }
        }
        set {
            switch proto {
            case .tcp: tcp = newValue
            case .udp: udp = newValue
            case .sctp: sctp = newValue
            }
        }
    }

    public var isEmpty: Bool { tcp.isEmpty && udp.isEmpty && sctp.isEmpty }
    public var isAll: Bool { tcp.isAll && udp.isAll && sctp.isAll }

    public func intersection(_ other: ProtocolPorts) -> ProtocolPorts {
        if other.isAll { return self }
        if isAll { return other }
        return ProtocolPorts(
            tcp: tcp.intersection(other.tcp), udp: udp.intersection(other.udp), sctp: sctp.intersection(other.sctp))
    }

    public func union(_ other: ProtocolPorts) -> ProtocolPorts {
        if other.isEmpty || isAll { return self }
        if isEmpty || other.isAll { return other }
        return ProtocolPorts(tcp: tcp.union(other.tcp), udp: udp.union(other.udp), sctp: sctp.union(other.sctp))
    }

    /// What a question narrowed to one protocol, or to one port of one protocol, considers.
    public func restricted(port: Int?, protocol proto: TransportProtocol?) -> ProtocolPorts {
        guard port != nil || proto != nil else { return self }
        var result = ProtocolPorts.none
        let only = proto ?? .tcp
        result[only] = port.map { self[only].contains($0) ? PortSet($0) : .empty } ?? self[only]
        return result
    }
}

extension ProtocolPorts {
    /// `{"TCP":[[80,80]],"UDP":[[53,53]]}`: protocols with nothing allowed left out.
    public func writeJSON(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for proto in TransportProtocol.allCases where !self[proto].isEmpty {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: proto.rawValue.utf8)
            out.append(contentsOf: "\":".utf8)
            DecisionWriter.write(self[proto], into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
