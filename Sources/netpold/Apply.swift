import ArgumentParser
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Apply: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import files, folders of YAML/JSON files, or stdin as one atomic bundle.",
            usage: """
                netpold apply -f <file|dir|-> ... [-R] [-n <namespace>] [--mode <mode>]
                [--no-create-namespaces] [--dry-run] [--server <url>] [<options>]
                """,
            discussion: """
                Like `kubectl apply -f`: every document is validated first and the whole bundle is \
                applied in one transaction, so one bad document changes nothing. Cluster dumps \
                (`kubectl get ... -o yaml`), `helm template` and `kustomize build` output import as \
                they are: kinds that cannot change a decision (ConfigMaps, Secrets, RBAC, custom \
                resources...) are skipped and counted, never stored. Errors in a folder name the file \
                and its line.

                Namespaces that objects name but the bundle does not hold are created with only their \
                name label (kubernetes.io/metadata.name); --no-create-namespaces refuses them instead, \
                as Kubernetes does.

                --mode replace makes the store exactly the bundle: it deletes every object the bundle \
                does not name, so try it with --dry-run first.

                Examples:
                  netpold apply -f policies/
                  netpold apply -f deploy/ -R
                  kubectl get pods,networkpolicies -A -o yaml | netpold apply -f -
                  helm template my-release ./chart | netpold apply -f - -n my-namespace
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

        @Flag(name: [.customShort("R"), .long], help: "Read the folders given with -f and all their subfolders.")
        var recursive = false

        @Option(
            name: [.customShort("n"), .long],
            help: "The namespace for documents that name none; a document that names another is refused.")
        var namespace: String?

        @Flag(help: "Refuse objects in namespaces that neither the bundle nor the server holds, instead of creating them.")
        var noCreateNamespaces = false

        @Option(help: "create: fail if any object exists; apply: create or replace each; replace: the store becomes the bundle.")
        var mode: Mode = .apply

        @Flag(help: "Validate and report without changing anything.")
        var dryRun = false

        @OptionGroup var options: ServerOptions

        func run() throws {
            guard !filename.isEmpty else { throw ValidationError("give at least one -f FILE|DIR|-") }
            let (files, contentType, body) = try BundleFiles.bundle(filename, recursive: recursive)
            if files.count > 1 {
                let bytes = files.reduce(0) { $0 + $1.text.utf8.count }
                StandardError.writeLine("read \(files.count) files (\(bytes / 1024) KiB); sending one bundle...")
            }
            var query = "mode=\(mode.rawValue)"
            if let namespace { query += "&namespace=\(namespace)" }
            if dryRun { query += "&dryRun=true" }
            if noCreateNamespaces { query += "&createNamespaces=false" }
            let response = try options.send(
                "POST", "/v1/import?\(query)", headers: [("Content-Type", contentType)], body: body)
            let document = try ClientOutput.check(response, advice: replaceAdvice)
            for line in Self.report(document, dryRun: dryRun) { print(line) }
            for line in Self.summary(document, dryRun: dryRun) { StandardError.writeLine(line) }
        }

        /// One line per object, as kubectl prints them: `namespace/x created (implied)`.
        static func report(_ document: JSONValue, dryRun: Bool) -> [String] {
            let suffix = dryRun ? " (dry run)" : ""
            return (document["results"]?.arrayValue ?? []).map { result in
                let kind = result["kind"]?.stringValue ?? ""
                let apiVersion = result["apiVersion"]?.stringValue ?? ""
                let group = apiVersion.contains("/") ? "." + apiVersion.split(separator: "/")[0] : ""
                let origin = result["convertedFrom"]?.stringValue.map { " (from \($0))" } ?? ""
                let implied = result["implied"]?.boolValue == true ? " (implied)" : ""
                let action = result["action"]?.stringValue ?? ""
                return "\(kind.lowercased())\(group)/\(result["name"]?.stringValue ?? "") \(action)\(implied)\(origin)\(suffix)"
            }
        }

        /// The lines for standard error: the tally, one line per kind of skip, and the findings (as warnings).
        static func summary(_ document: JSONValue, dryRun: Bool) -> [String] {
            let suffix = dryRun ? " (dry run)" : ""
            var lines: [String] = []
            let results = document["results"]?.arrayValue ?? []
            if results.count > 1 {
                var tally: [String: Int] = [:]
                for result in results { tally[result["action"]?.stringValue ?? "", default: 0] += 1 }
                let counts = ["created", "updated", "unchanged", "deleted"].compactMap { action in
                    tally[action].map { "\($0) \(action)" }
                }
                lines.append(
                    "\(results.count) objects: \(counts.joined(separator: ", ")) at revision \(document["revision"]?.integerValue ?? 0)\(suffix)"
                )
            }
            let skipped = document["skipped"]?.arrayValue ?? []
            let reasons: [(reason: String, plural: String, singular: String)] = [
                ("NoEffectOnDecisions", "that do not affect network policy", "that does not affect network policy")
            ]
            for (reason, plural, singular) in reasons {
                var counts: [String: Int] = [:]
                for object in skipped where object["reason"]?.stringValue == reason {
                    counts[kindName(object), default: 0] += 1
                }
                guard !counts.isEmpty else { continue }
                let total = counts.values.reduce(0, +)
                let kinds = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) (\($0.value))" }
                lines.append(
                    "skipped \(total) object\(total == 1 ? "" : "s") of \(counts.count) kind\(counts.count == 1 ? "" : "s") "
                        + "\(counts.count == 1 ? singular : plural): "
                        + kinds.joined(separator: ", "))
            }
            // Findings (what the server found about the objects it wrote); older servers sent strings.
            for warning in document["warnings"]?.arrayValue ?? [] {
                if let text = LintFinding(json: warning)?.text ?? warning.stringValue { lines.append("Warning: \(text)") }
            }
            return lines
        }

        /// `ConfigMap`, or `Certificate.cert-manager.io` for a kind of a custom group.
        static func kindName(_ object: JSONValue) -> String {
            let kind = object["kind"]?.stringValue ?? ""
            let apiVersion = object["apiVersion"]?.stringValue ?? ""
            guard let slash = apiVersion.firstIndex(of: "/") else { return kind }
            let group = apiVersion[..<slash]
            return group.contains(".") && !group.hasSuffix(".k8s.io") ? "\(kind).\(group)" : kind
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
