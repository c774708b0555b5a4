import Glibc

/// Standard error, a whole line per `write(2)` so lines from different threads never interleave:
/// the CLI's messages and the JSON log lines.
enum StandardError {
    static func writeLine(_ text: String) {
        writeLine(Array(text.utf8))
    }

    static func writeLine(_ bytes: [UInt8]) {
        let line = bytes + [0x0A]
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}
