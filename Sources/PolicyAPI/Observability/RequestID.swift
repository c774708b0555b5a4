import Synchronization

/// Generates request ids for requests that bring none: a random per-process prefix and a counter,
/// unique without a system call per request.
enum RequestID {
    private static let prefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next() & 0xFFFF_FFFF
    }()
    private static let counter = Atomic<UInt64>(0)

    /// 16 hex digits: the prefix, then the counter.
    static func make() -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        let value = prefix << 32 | (sequence & 0xFFFF_FFFF)
        // Written in place: one allocation for the string, none for intermediate bytes.
        return String(unsafeUninitializedCapacity: 16) { buffer in
            for index in 0..<16 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt64(60 - 4 * index)) & 0xF
                buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 16
        }
    }

    /// A client's id is echoed only if it is short and printable, so it cannot inject into logs or headers.
    static func accept(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return value
    }
}
