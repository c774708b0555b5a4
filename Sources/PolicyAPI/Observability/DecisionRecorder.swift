import Synchronization

/// Where the audit trail of decisions goes: one JSON line per decision (`--decision-log FILE`).
/// The executable provides the file; the API only formats lines.
public protocol DecisionRecorder: Sendable {
    /// Records one line (without the newline).
    func record(_ line: [UInt8])
}

/// Generates request ids for requests that bring none: a random per-process prefix and a counter,
/// unique without a system call per request.
enum RequestID {
    private static let digits = Array("0123456789abcdef".utf8)
    private static let prefix: UInt64 = {
        var generator = SystemRandomNumberGenerator()
        return generator.next() & 0xFFFF_FFFF
    }()
    private static let counter = Atomic<UInt64>(0)

    static func make() -> String {
        let sequence = counter.add(1, ordering: .relaxed).newValue
        var value = prefix << 32 | (sequence & 0xFFFF_FFFF)
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<16 {
            bytes[15 - index] = digits[Int(value & 0xF)]
            value >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A client's id is echoed only if it is short and printable, so it cannot inject into logs or headers.
    static func accept(_ value: String?) -> String? {
        guard let value, !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") })
        else { return nil }
        return value
    }
}
