import ArgumentParser
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import a file, a folder of YAML/JSON files, or stdin as one atomic bundle.",
            usage: """
                netpold apply -f <file|dir|-> ... [-n <namespace>] [--mode <mode>]
                [--dry-run] [--server <url>] [<options>]
                """,
            discussion: """
                Like `kubectl apply -f`: every document is validated first and the whole bundle is \
                applied in one transaction, so one bad document changes nothing.

                --mode replace makes the store exactly the bundle: it deletes every object the bundle \
                does not name, so try it with --dry-run first.

                Examples:
                  netpold apply -f policies/
                  netpold apply -f backend-access.yaml -n production
                  cat bundle.yaml | netpold apply -f - --mode replace --dry-run
                """)

        enum Mode: String, ExpressibleByArgument, CaseIterable {
            case create, apply, replace
        }

        @Option(
            name: [.customShort("f"), .long],
            help: ArgumentHelp(
                "A file, a folder (its .yaml, .yml and .json files), or - for stdin; repeatable.", valueName: "file|dir|-"))
        var filename: [String]

        @Option(name: [.customShort("n"), .long], help: "The namespace for documents that name none.")
        var namespace: String?

        @Option(help: "create: fail if any object exists; apply: create or replace each; replace: the store becomes the bundle.")
        var mode: Mode = .apply

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
            if files > 1 {
                StandardError.writeLine("read \(files) files (\(bundle.utf8.count / 1024) KiB); sending one bundle...")
            }
            var query = "mode=\(mode.rawValue)"
            if let namespace { query += "&namespace=\(namespace)" }
            if dryRun { query += "&dryRun=true" }
            let response = try options.send(
                "POST", "/v1/import?\(query)", headers: [("Content-Type", "application/yaml")], body: Array(bundle.utf8))
            let document = try ClientOutput.check(response, advice: replaceAdvice)
            let suffix = dryRun ? " (dry run)" : ""
            var tally: [String: Int] = [:]
            let results = document["results"]?.arrayValue ?? []
            for result in results {
                tally[result["action"]?.stringValue ?? "", default: 0] += 1
                let kind = result["kind"]?.stringValue ?? ""
                let apiVersion = result["apiVersion"]?.stringValue ?? ""
                let group = apiVersion.contains("/") ? "." + apiVersion.split(separator: "/")[0] : ""
                let origin = result["convertedFrom"]?.stringValue.map { " (from \($0))" } ?? ""
                print(
                    "\(kind.lowercased())\(group)/\(result["name"]?.stringValue ?? "") \(result["action"]?.stringValue ?? "")\(origin)\(suffix)"
                )
            }
            if results.count > 1 {
                let summary = ["created", "updated", "unchanged", "deleted"].compactMap { action in
                    tally[action].map { "\($0) \(action)" }
                }
                StandardError.writeLine(
                    "\(results.count) objects: \(summary.joined(separator: ", ")) at revision \(document["revision"]?.integerValue ?? 0)\(suffix)"
                )
            }
        }

        /// In replace mode the server refuses a bundle whose objects live in a namespace it does not
        /// carry, whether or not that namespace is stored: say why, since "not found" alone misleads.
        func replaceAdvice(_ status: JSONValue?) -> String? {
            guard mode == .replace, status?["reason"]?.stringValue == "NotFound",
                status?["details"]?["kind"]?.stringValue == "Namespace"
            else { return nil }
            let name = status?["details"]?["name"]?.stringValue ?? ""
            var text = """
                  --mode replace deletes everything that is not in the bundle, namespaces included,
                  so the bundle must also carry the Namespace "\(name)" that its objects live in.
                  Add it, or use --mode apply to leave other objects alone.
                """
            if !dryRun { text += "\n  Try --dry-run first to see what replace would delete." }
            return text
        }
    }
}
