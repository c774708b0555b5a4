import Glibc
import Logging
import PolicyAPI
import PolicyCore
import Synchronization

/// One JSON object per line on standard error, for log shippers (`--log-format json`).
struct JSONLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var object: [String: JSONValue] = [
            "time": .string(WallClock.rfc3339Millis()), "level": .string(event.level.rawValue), "logger": .string(label),
            "message": .string("\(event.message)"),
        ]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
            object[key] = .string("\(value)")
        }
        let line = JSONWriter.bytes(.object(object)) + [0x0A]
        _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Appends decision audit lines to a file (`--decision-log FILE`), one `write` per line so lines never interleave.
final class FileDecisionRecorder: DecisionRecorder {
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw CleanError("cannot open decision log \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    func record(_ line: [UInt8]) {
        let bytes = line + [0x0A]
        _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
    }
}

/// An error whose description is the whole message.
struct CleanError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
