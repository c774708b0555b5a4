import ArgumentParser
import Glibc
import PolicyStore

/// Reads the files named by `-f` into one YAML stream.
enum BundleFiles {
    /// The stream and how many files it came from.
    static func read(_ path: String) throws -> (String, Int) {
        if path == "-" { return (TextFiles.readStandardInput(), 1) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw ValidationError("\(path): no such file or directory") }
        if (info.st_mode & S_IFMT) != S_IFDIR { return (try readFile(path), 1) }
        guard let all = try? TextFiles.names(in: path) else { throw ValidationError("\(path): cannot read the folder") }
        let names = all.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") || $0.hasSuffix(".json") }
        // Each file becomes its own document(s); JSON is valid YAML, so one stream carries both.
        guard !names.isEmpty else { throw ValidationError("\(path): no .yaml, .yml or .json files") }
        return (try names.map { try readFile(path + "/" + $0) }.joined(separator: "\n---\n"), names.count)
    }

    static func readFile(_ path: String) throws -> String {
        guard let text = try? TextFiles.read(path) else { throw ValidationError("\(path): cannot open") }
        return text
    }
}
