/// Lowercase hexadecimal: the one digit table, for JSON `\u00XX` escapes, request ids, list
/// continue tokens and object uids.
public enum Hex {
    /// `0`–`9` and `a`–`f` as ASCII bytes.
    public static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends the two digits of `byte`, high nibble first.
    @inlinable
    public static func append(_ byte: UInt8, to out: inout [UInt8]) {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }

    /// Two digits per byte, e.g. `[0x0A, 0xFF]` gives `0aff`.
    public static func string(_ bytes: some Sequence<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes { append(byte, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
