import Glibc

/// Whole text files and folder listings: the one reading loop, for migrations, `apply -f` bundles,
/// tokens, certificates and the OpenAPI document.
public enum TextFiles {
    /// Why a file or folder could not be read, in the system's words (`strerror`).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String

        public var description: String { "\(path): \(reason)" }
    }

    /// The text of the file at `path` (invalid UTF-8 repaired, as `String(decoding:)` does).
    public static func read(_ path: String) throws(Failure) -> String {
        guard let file = fopen(path, "rb") else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { fclose(file) }
        return readAll(file)
    }

    /// Everything on standard input, up to its end.
    public static func readStandardInput() -> String {
        readAll(fdopen(STDIN_FILENO, "rb"))
    }

    /// The names in a folder, sorted, without `.` and `..`.
    public static func names(in directory: String) throws(Failure) -> [String] {
        guard let dir = opendir(directory) else { throw Failure(path: directory, reason: String(cString: strerror(errno))) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    private static func readAll(_ file: UnsafeMutablePointer<FILE>) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
