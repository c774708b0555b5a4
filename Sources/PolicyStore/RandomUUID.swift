import PolicyCore

/// Object uids: random (version 4) UUIDs in their usual lowercase text form.
enum RandomUUID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = bytes[6] & 0x0F | 0x40
        bytes[8] = bytes[8] & 0x3F | 0x80
        return Hex.string(bytes[0..<4]) + "-" + Hex.string(bytes[4..<6]) + "-" + Hex.string(bytes[6..<8]) + "-"
            + Hex.string(bytes[8..<10]) + "-" + Hex.string(bytes[10..<16])
    }
}
