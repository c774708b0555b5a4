import ArgumentParser
import Glibc
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a file, a folder of YAML/JSON files, or stdin as one atomic bundle.",
            discussion: """
                Like `kubectl apply -f`: every document is validated first and the whole bundle is applied in
                one transaction, so one bad document changes nothing.

                Examples:
                  netpold apply -f policies/
                  netpold apply -f backend-access.yaml -n production
                  cat bundle.yaml | netpold apply -f - --mode replace --dry-run
                """)

        @Option(name: [.customShort("f"), .long], help: "A file, a folder (its .yaml, .yml and .json files), or - for stdin; repeatable.")
        var filename: [String]

        @Option(name: [.customShort("n"), .long], help: "The namespace for documents that name none.")
        var namespace: String?

        @Option(help: "create (fail if any exists), apply (create or replace), replace (the store becomes the bundle).")
        var mode: String = "apply"

        @Flag(help: "Validate and report without changing anything.")
        var dryRun = false

        @OptionGroup var options: ServerOptions

        func run() throws {
            guard !filename.isEmpty else { throw ValidationError("give at least one -f FILE|DIR|-") }
            var files = 0
            let bundle = try filename.map { path in
                let (text, count) = try BundleFiles.read(path)
                files += count
                return text
            }.joined(separator: "\n---\n")
            if files > 1 { FileHandleOutput.standardError("read \(files) files (\(bundle.utf8.count / 1024) KiB); sending one bundle...") }
            var query = "mode=\(mode)"
            if let namespace { query += "&namespace=\(namespace)" }
            if dryRun { query += "&dryRun=true" }
            let response = try HTTPClient.send(
                method: "POST", url: "\(options.base)/v1/import?\(query)",
                headers: [("Content-Type", "application/yaml")] + options.authorization(), body: Array(bundle.utf8))
            let document = try ClientOutput.check(response)
            let suffix = dryRun ? " (dry run)" : ""
            var tally: [String: Int] = [:]
            let results = document["results"]?.arrayValue ?? []
            for result in results {
                tally[result["action"]?.stringValue ?? "", default: 0] += 1
                let kind = result["kind"]?.stringValue ?? ""
                let apiVersion = result["apiVersion"]?.stringValue ?? ""
                let group = apiVersion.contains("/") ? "." + apiVersion.split(separator: "/")[0] : ""
                let origin = result["convertedFrom"]?.stringValue.map { " (from \($0))" } ?? ""
                print("\(kind.lowercased())\(group)/\(result["name"]?.stringValue ?? "") \(result["action"]?.stringValue ?? "")\(origin)\(suffix)")
            }
            if results.count > 1 {
                let summary = ["created", "updated", "unchanged", "deleted"].compactMap { action in
                    tally[action].map { "\($0) \(action)" }
                }
                FileHandleOutput.standardError(
                    "\(results.count) objects: \(summary.joined(separator: ", ")) at revision \(document["revision"]?.integerValue ?? 0)\(suffix)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the whole store as a YAML bundle (or a JSON List).",
            discussion: "Examples:\n  netpold export > backup.yaml\n  netpold export --output json")

        @Option(help: "yaml or json.")
        var output: String = "yaml"

        @OptionGroup var options: ServerOptions

        func run() throws {
            let accept = output == "json" ? "application/json" : "application/yaml"
            let response = try HTTPClient.send(method: "GET", url: "\(options.base)/v1/export", headers: [("Accept", accept)] + options.authorization())
            _ = try ClientOutput.check(response, expectJSON: output == "json")
            print(response.bodyText, terminator: response.bodyText.hasSuffix("\n") ? "" : "\n")
        }
    }
}

/// Reads the files named by `-f` into one YAML stream.
enum BundleFiles {
    /// The stream and how many files it came from.
    static func read(_ path: String) throws -> (String, Int) {
        if path == "-" { return (readAll(fdopen(0, "rb")), 1) }
        var info = stat()
        guard stat(path, &info) == 0 else { throw ValidationError("\(path): no such file or directory") }
        if (info.st_mode & S_IFMT) != S_IFDIR { return (try readFile(path), 1) }
        guard let dir = opendir(path) else { throw ValidationError("\(path): cannot read the folder") }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.hasSuffix(".json") { names.append(name) }
        }
        // Each file becomes its own document(s); JSON is valid YAML, so one stream carries both.
        guard !names.isEmpty else { throw ValidationError("\(path): no .yaml, .yml or .json files") }
        return (try names.sorted().map { try readFile(path + "/" + $0) }.joined(separator: "\n---\n"), names.count)
    }

    static func readFile(_ path: String) throws -> String {
        guard let file = fopen(path, "rb") else { throw ValidationError("\(path): cannot open") }
        defer { fclose(file) }
        return readAll(file)
    }

    static func readAll(_ file: UnsafeMutablePointer<FILE>) -> String {
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

enum FileHandleOutput {
    static func standardError(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }
}

/// Turns a server answer into output or a failure that carries the server's message.
enum ClientOutput {
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ response: HTTPResponse, expectJSON: Bool = true) throws -> JSONValue {
        let parsed = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let message = parsed?["message"]?.stringValue ?? response.bodyText
            var text = "Error from server (\(parsed?["reason"]?.stringValue ?? String(response.status))): \(message)"
            for cause in parsed?["details"]?["causes"]?.arrayValue ?? [] {
                text += "\n  \(cause["field"]?.stringValue ?? ""): \(cause["message"]?.stringValue ?? "")"
            }
            // Printed here rather than thrown so the output reads like kubectl's, without a second "Error:" prefix.
            FileHandleOutput.standardError(text)
            throw ExitCode.failure
        }
        if expectJSON, parsed == nil { throw ServerError(description: "the server's answer is not JSON") }
        return parsed ?? .null
    }
}
