import Glibc

/// One schema migration: a numbered SQL file.
public struct Migration: Sendable, Hashable {
    /// The file name without `.sql`, e.g. `0001_create_objects`.
    public let version: String
    public let sql: String

    public init(version: String, sql: String) {
        self.version = version
        self.sql = sql
    }

    /// Reads `NNNN_name.sql` files from a folder, sorted by name.
    public static func load(from directory: String) throws(StoreError) -> [Migration] {
        guard let dir = opendir(directory) else {
            throw StoreError("cannot read migrations folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name.hasSuffix(".sql"), name.first?.isNumber == true { names.append(name) }
        }
        var migrations: [Migration] = []
        for name in names.sorted() {
            let path = directory + "/" + name
            guard let file = fopen(path, "rb") else { throw StoreError("cannot read \(path)") }
            defer { fclose(file) }
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = fread(&buffer, 1, buffer.count, file)
                if count == 0 { break }
                bytes.append(contentsOf: buffer[0..<count])
            }
            migrations.append(Migration(version: String(name.dropLast(4)), sql: String(decoding: bytes, as: UTF8.self)))
        }
        if migrations.isEmpty { throw StoreError("no migrations (NNNN_name.sql) found in \(directory)") }
        return migrations
    }
}
