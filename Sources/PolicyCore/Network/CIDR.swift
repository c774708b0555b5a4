/// An address block such as `10.0.0.0/8` or `fd00::/64`. Host bits are cleared on parsing.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    /// Parses `ADDR/LEN`. With `allowBareAddress`, a plain address is taken as a single-host block.
    public init?(_ text: String, allowBareAddress: Bool = false) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || (parts.count == 1 && allowBareAddress) else { return nil }
        guard let address = IPAddress(String(parts[0])) else { return nil }
        var length = address.bitWidth
        if parts.count == 2 {
            let lengthText = parts[1]
            guard !lengthText.isEmpty, lengthText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
                lengthText.count <= 3, let parsed = Int(lengthText), parsed <= address.bitWidth
            else { return nil }
            length = parsed
        }
        self.init(network: address, prefixLength: length)
    }

    public init(network: IPAddress, prefixLength: Int) {
        self.prefixLength = prefixLength
        self.network = CIDR.mask(network, prefixLength)
    }

    private static func mask(_ address: IPAddress, _ length: Int) -> IPAddress {
        if address.isIPv4 {
            let value = UInt32(truncatingIfNeeded: address.low)
            let masked = length == 0 ? 0 : value & ~UInt32(0) << UInt32(32 - length)
            return IPAddress(ipv4: masked)
        }
        let highMask: UInt64 = length >= 64 ? ~0 : (length == 0 ? 0 : ~UInt64(0) << UInt64(64 - length))
        let lowMask: UInt64 = length <= 64 ? 0 : (length == 128 ? ~0 : ~UInt64(0) << UInt64(128 - length))
        return IPAddress(ipv6High: address.high & highMask, low: address.low & lowMask)
    }

    /// True when `address` is of the same family and inside the block.
    @inline(__always)
    public func contains(_ address: IPAddress) -> Bool {
        address.isIPv4 == network.isIPv4 && CIDR.mask(address, prefixLength) == network
    }

    /// True when every address of `other` is inside this block.
    public func contains(_ other: CIDR) -> Bool {
        other.prefixLength >= prefixLength && contains(other.network)
    }

    public var description: String { "\(network)/\(prefixLength)" }
}
