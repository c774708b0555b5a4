/// An inclusive range of addresses of one family: how answers about address space (rather than
/// single addresses) are computed before they are written as CIDRs.
public struct AddressRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let isIPv4: Bool
    let low: UInt128
    let high: UInt128

    init(isIPv4: Bool, low: UInt128, high: UInt128) {
        self.isIPv4 = isIPv4
        self.low = low
        self.high = high
    }

    /// Every address of the block.
    public init(_ cidr: CIDR) {
        let width = cidr.network.bitWidth
        let start = Self.value(cidr.network)
        let hostBits = width - cidr.prefixLength
        let span: UInt128 = hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits)) - 1
        self.init(isIPv4: cidr.network.isIPv4, low: start, high: start + span)
    }

    /// The whole address space of one family.
    static func everything(ipv4: Bool) -> AddressRange {
        AddressRange(isIPv4: ipv4, low: 0, high: maxValue(ipv4: ipv4))
    }

    static func maxValue(ipv4: Bool) -> UInt128 { ipv4 ? UInt128(UInt32.max) : UInt128.max }

    static func value(_ address: IPAddress) -> UInt128 {
        address.isIPv4 ? UInt128(address.low) : UInt128(address.high) << 64 | UInt128(address.low)
    }

    static func address(_ value: UInt128, ipv4: Bool) -> IPAddress {
        if ipv4 { return IPAddress(ipv4: UInt32(truncatingIfNeeded: value)) }
        return IPAddress(ipv6High: UInt64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
    }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv4 == isIPv4 else { return false }
        let value = Self.value(address)
        return low <= value && value <= high
    }

    /// The fewest CIDRs that cover exactly this range: at each step the largest aligned block that
    /// starts at the first uncovered address and does not pass the end.
    public var cidrs: [CIDR] {
        let width = isIPv4 ? 32 : 128
        var result: [CIDR] = []
        var start = low
        while true {
            var hostBits = start == 0 ? width : min(width, start.trailingZeroBitCount)
            while hostBits > 0 {
                let last = hostBits == 128 ? UInt128.max : start + ((UInt128(1) << UInt128(hostBits)) - 1)
                if last <= high { break }
                hostBits -= 1
            }
            result.append(CIDR(network: Self.address(start, ipv4: isIPv4), prefixLength: width - hostBits))
            let last = hostBits == 128 ? UInt128.max : start + ((UInt128(1) << UInt128(hostBits)) - 1)
            if last >= high { break }
            start = last + 1
        }
        return result
    }

    public static func < (lhs: AddressRange, rhs: AddressRange) -> Bool {
        if lhs.isIPv4 != rhs.isIPv4 { return lhs.isIPv4 }
        return lhs.low < rhs.low
    }

    public var description: String {
        "\(Self.address(low, ipv4: isIPv4))-\(Self.address(high, ipv4: isIPv4))"
    }
}
