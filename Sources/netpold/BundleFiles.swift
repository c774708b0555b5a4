import ArgumentParser
import Glibc
import PolicyStore

/// Reads the files named by `-f` for one import, as kubectl reads them: `-` is standard input, a
/// folder stands for its `.yaml`, `.yml` and `.json` files (with `-R`, those of its subfolders too).
enum BundleFiles {
    struct File: Equatable {
        /// The path as the user would write it: `deploy/api.yaml` for `-f deploy`.
        var name: String
        var text: String
    }

    /// The files, in the order given (a folder's sorted by name, depth first).
    static func read(_ paths: [String], recursive: Bool) throws -> [File] {
        var files: [File] = []
        for path in paths {
            if path == "-" {
                files.append(File(name: "stdin", text: TextFiles.readStandardInput()))
                continue
            }
            var info = stat()
            guard stat(path, &info) == 0 else { throw ValidationError("\(path): no such file or directory") }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                files.append(File(name: path, text: try readFile(path)))
                continue
            }
            let before = files.count
            let folder = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
            try readFolder(folder, recursive: recursive, into: &files)
            if files.count == before {
                throw ValidationError(
                    "\(path): no .yaml, .yml or .json files" + (recursive ? " in it or its subfolders" : " (-R reads subfolders)")
                )
            }
        }
        return files
    }

    /// True when the paths are one file or standard input: that is sent as a plain YAML body, as it
    /// always was; anything else goes as one part per file, so errors can name the file.
    /// The files of `-f` as one request body: a single stream as it is, several as multipart.
    static func bundle(_ paths: [String], recursive: Bool) throws -> (
        files: [File], contentType: String, body: [UInt8]
    ) {
        let files = try read(paths, recursive: recursive)
        if isSingleStream(paths) { return (files, "application/yaml", Array(files[0].text.utf8)) }
        let (contentType, body) = multipart(files)
        return (files, contentType, body)
    }

    static func isSingleStream(_ paths: [String]) -> Bool {
        guard paths.count == 1 else { return false }
        if paths[0] == "-" { return true }
        var info = stat()
        return stat(paths[0], &info) == 0 && (info.st_mode & S_IFMT) != S_IFDIR
    }

    static func isBundleFile(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json")
    }

    /// A folder's bundle files, and with `recursive` those of its subfolders (not followed through
    /// symbolic links, as kubectl's walk does not follow them either).
    private static func readFolder(_ folder: String, recursive: Bool, into files: inout [File]) throws {
        let names: [String]
        do {
            names = try TextFiles.names(in: folder)
        } catch {
            throw ValidationError("\(folder): cannot read the folder (\(error.reason))")
        }
        for name in names {
            let path = folder == "/" ? "/" + name : folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                if recursive { try readFolder(path, recursive: true, into: &files) }
            case S_IFLNK:
                // A link to a file counts; a link to a folder is not walked.
                if isBundleFile(name), stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                    files.append(File(name: path, text: try readFile(path)))
                }
            default:
                if isBundleFile(name) { files.append(File(name: path, text: try readFile(path))) }
            }
        }
    }

    static func readFile(_ path: String) throws -> String {
        guard let text = try? TextFiles.read(path) else { throw ValidationError("\(path): cannot open") }
        return text
    }

    /// A `multipart/form-data` body with one part per file, named by its path: the server reads each
    /// part as its own stream and imports them all in one transaction.
    static func multipart(_ files: [File]) -> (contentType: String, body: [UInt8]) {
        var generator = SystemRandomNumberGenerator()
        var boundary = ""
        repeat {
            boundary = "netpold-" + (0..<3).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
        } while files.contains { $0.text.contains(boundary) }
        var body: [UInt8] = []
        for file in files {
            let filename = String(
                file.name.flatMap { character -> [Character] in
                    switch character {
                    case "\"", "\\": ["\\", character]
                    case "\r", "\n": ["_"]
                    default: [character]
                    }
                })
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\n"
            if file.name.hasSuffix(".json") {
                head += "Content-Type: application/json\r\n"
            } else if file.name.hasSuffix(".yaml") || file.name.hasSuffix(".yml") {
                head += "Content-Type: application/yaml\r\n"
            }
            body += Array((head + "\r\n").utf8)
            body += Array(file.text.utf8)
            body += Array("\r\n".utf8)
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/form-data; boundary=\(boundary)", body)
    }
}
