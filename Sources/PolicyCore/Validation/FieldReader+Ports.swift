extension FieldErrors {
    /// `number` when it is a port number; otherwise nil, with the error reported at `field`.
    public func port(_ number: some BinaryInteger, at field: String) -> Int? {
        guard PortNumber.isValid(number) else {
            add(.invalid(field, PortNumber.outOfRangeMessage(String(number))))
            return nil
        }
        return Int(number)
    }
}

extension FieldReader {
    /// The transport protocol in member `key`: TCP when absent; a name other than TCP, UDP or SCTP
    /// is reported (and TCP returned, so reading goes on).
    /// - Parameter ignoringCase: accept any case (`tcp`), as decision requests do; Kubernetes objects
    ///   take the upper-case names only.
    public func transportProtocol(_ key: String = "protocol", ignoringCase: Bool = false) -> TransportProtocol {
        guard let name = string(key) else { return .tcp }
        if let parsed = ignoringCase ? TransportProtocol(name: name) : TransportProtocol(rawValue: name) { return parsed }
        errors.add(.notSupported(path(key), name, supported: ["SCTP", "TCP", "UDP"]))
        return .tcp
    }
}
