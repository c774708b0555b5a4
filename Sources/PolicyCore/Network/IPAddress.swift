/// An IPv4 or IPv6 address. IPv4 is kept in the low 32 bits, so the two families never compare equal.
public struct IPAddress: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// High and low 64 bits of the address (IPv4: high is 0, low holds the 32 bits).
    public let high: UInt64
    public let low: UInt64
    public let isIPv4: Bool

    public init(ipv4 value: UInt32) {
        high = 0
        low = UInt64(value)
        isIPv4 = true
    }

    public init(ipv6High high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
        isIPv4 = false
    }

    /// Parses `10.0.0.1` or `fd00::1` (and `::ffff:1.2.3.4`). Leading zeros in IPv4 octets are refused,
    /// as Kubernetes does, since they are ambiguous (octal or decimal).
    public init?(_ text: String) {
        if text.contains(":") {
            guard let parsed = IPAddress.parseIPv6(Array(text.utf8)) else { return nil }
            self = parsed
        } else {
            guard let value = IPAddress.parseIPv4(Array(text.utf8)[...]) else { return nil }
            self.init(ipv4: value)
        }
    }

    /// Bits in the address: 32 or 128.
    public var bitWidth: Int { isIPv4 ? 32 : 128 }

    static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        var current: UInt32 = 0
        var digits = 0
        var leadingZero = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, octets < 3 else { return nil }
                value = value << 8 | current
                octets += 1
                current = 0
                digits = 0
                continue
            }
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            if digits == 0 { leadingZero = byte == 0x30 } else if leadingZero { return nil }
            current = current * 10 + UInt32(byte - 0x30)
            digits += 1
            guard current <= 255, digits <= 3 else { return nil }
        }
        guard digits > 0, octets == 3 else { return nil }
        return value << 8 | current
    }

    static func parseIPv6(_ bytes: [UInt8]) -> IPAddress? {
        var groups: [UInt16] = []
        var gapIndex: Int?
        var index = 0
        if bytes.starts(with: Array("::".utf8)) {
            gapIndex = 0
            index = 2
            if index == bytes.count { return IPAddress(ipv6High: 0, low: 0) }
        } else if bytes.first == UInt8(ascii: ":") {
            return nil
        }
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != UInt8(ascii: ":") { end += 1 }
            let piece = bytes[index..<end]
            if piece.contains(UInt8(ascii: ".")) {
                guard end == bytes.count, let v4 = parseIPv4(piece) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                index = end
                break
            }
            guard !piece.isEmpty, piece.count <= 4 else { return nil }
            var group: UInt16 = 0
            for byte in piece {
                guard let digit = hexDigit(byte) else { return nil }
                group = group << 4 | UInt16(digit)
            }
            groups.append(group)
            if end == bytes.count {
                index = end
                break
            }
            // end points at ':'
            if end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: ":") {
                guard gapIndex == nil else { return nil }
                gapIndex = groups.count
                index = end + 2
                if index == bytes.count { break }
            } else {
                index = end + 1
                guard index < bytes.count else { return nil }
            }
        }
        if let gapIndex {
            guard groups.count < 8 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gapIndex)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for group in groups[0..<4] { high = high << 16 | UInt64(group) }
        for group in groups[4..<8] { low = low << 16 | UInt64(group) }
        return IPAddress(ipv6High: high, low: low)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }

    /// The canonical text: dotted quad, or RFC 5952 IPv6 (longest zero run as `::`, lower case).
    public var description: String {
        if isIPv4 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        }
        var groups: [UInt16] = []
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: high >> UInt64(shift))) }
        for shift in stride(from: 48, through: 0, by: -16) { groups.append(UInt16(truncatingIfNeeded: low >> UInt64(shift))) }
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for position in 0...8 {
            if position < 8, groups[position] == 0 {
                if runStart < 0 { runStart = position }
            } else if runStart >= 0 {
                if position - runStart > bestLength {
                    bestStart = runStart
                    bestLength = position - runStart
                }
                runStart = -1
            }
        }
        func hex(_ range: Range<Int>) -> String {
            groups[range].map { String($0, radix: 16) }.joined(separator: ":")
        }
        if bestStart < 0 { return hex(0..<8) }
        return hex(0..<bestStart) + "::" + hex((bestStart + bestLength)..<8)
    }

    public static func < (lhs: IPAddress, rhs: IPAddress) -> Bool {
        if lhs.isIPv4 != rhs.isIPv4 { return lhs.isIPv4 }
        return (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
