import PolicyCore
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
        return withUnsafeBytes(of: value.bigEndian) { Hex.string($0) }
    }

    /// A client's id is echoed only if it is short and printable, so it cannot inject into logs or headers.
    static func accept(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return value
    }
}
