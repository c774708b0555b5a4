import Glibc
import PolicyAPI

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
