/// The transport protocols a policy can name.
public enum TransportProtocol: String, Sendable, Hashable, CaseIterable {
    case tcp = "TCP"
    case udp = "UDP"
    case sctp = "SCTP"

    /// Parses the upper-case name Kubernetes uses (Calico's lower-case names too).
    public init?(name: String) {
        switch name.uppercased() {
        case "TCP": self = .tcp
        case "UDP": self = .udp
        case "SCTP": self = .sctp
        default: return nil
        }
    }
}
