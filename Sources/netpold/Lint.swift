import ArgumentParser
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Lint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report what is probably wrong with policies: the stored ones, or files as the store would take them.",
            usage: """
                netpold lint [-f <file|dir|-> ...] [-R] [-n <namespace>] [--severity <severity>] [-o <format>]
                [--server <url>] [<options>]
                """,
            discussion: """
                Without -f, lints every stored policy (GET /v1/lint). With -f, lints the policies in \
                the files against the store as it would be after applying them, without changing it \
                (a dry-run import, read as `netpold apply` reads its files).

                Findings are judged against the stored pods, the pod templates of workloads that \
                have no pods yet, and the addresses outside the pods:
                  SelectsNoPods           warning  a policy's selector selects nothing
                  PeerSelectsNothing      warning  a rule's peer selects nothing
                  NamedPortUnresolved     warning  a named port no pod declares
                  ShadowedRule            warning  earlier rules always decide first
                  AddressBlockCoversPods  warning  an ipBlock or net holds pod addresses
                  OrderTie                warning  Calico policies tied on order on a pod
                  DenyAllInDisguise       error    allow rules that never match anything
                  DuplicatePolicy         info     another policy's selectors and rules
                  KindSkipped             warning  (-f) a policy kind netpold ignores
                  NamespaceImplied        info     (-f) a namespace the files only name

                Only findings at or above --severity are printed.

                Exit status: 0 when there is no finding at or above --severity (default warning), 1 \
                when there is, 2 on any error, so a CI job can gate a change on it.

                Examples:
                  netpold lint
                  netpold lint --severity error -o json
                  netpold lint -f policies/ -R
                  netpold lint -f backend-access.yaml -n production --severity info
                """)

        enum Threshold: String, ExpressibleByArgument, CaseIterable {
            case info, warning, error

            var severity: LintFinding.Severity {
                switch self {
                case .info: .info
                case .warning: .warning
                case .error: .error
                }
            }
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Option(
            name: [.customShort("f"), .long],
            help: ArgumentHelp(
                "A file, a folder (its .yaml, .yml and .json files), or - for stdin; repeatable. Omit to lint the store.",
                valueName: "file|dir|-"))
        var filename: [String] = []

        @Flag(name: [.customShort("R"), .long], help: "Read the folders given with -f and all their subfolders.")
        var recursive = false

        @Option(
            name: [.customShort("n"), .long],
            help: "With -f: the namespace for documents that name none, as for `netpold apply`.")
        var namespace: String?

        @Option(help: ArgumentHelp("The least severity to report and fail on.", valueName: "severity"))
        var severity: Threshold = .warning

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .text

        @OptionGroup var options: ServerOptions

        func validate() throws {
            if namespace != nil, filename.isEmpty {
                throw ValidationError("-n names the namespace of documents in files: give -f too")
            }
        }

        func run() throws {
            let status = try execute(
                send: { method, path, headers, body in try options.send(method, path, headers: headers, body: body) },
                print: { Swift.print($0) })
            if status != 0 { throw ExitCode(status) }
        }

        /// Asks the server through `send`, prints what it found through `print` (the tally on
        /// standard error), and returns the exit status: 1 when a finding is at or above
        /// --severity, else 0. Errors are thrown (`netpold` exits 2 on them).
        func execute(
            send: (_ method: String, _ path: String, _ headers: [(String, String)], _ body: [UInt8]) throws -> HTTPResponse,
            print: (String) -> Void
        ) throws -> Int32 {
            let revision: Int64
            let reported: [JSONValue]
            if filename.isEmpty {
                let response = try send("GET", "/v1/lint?severity=\(severity.rawValue)", [], [])
                let answer = try ClientOutput.check(response)
                revision = answer["revision"]?.integerValue ?? 0
                reported = answer["findings"]?.arrayValue ?? []
            } else {
                let (_, contentType, body) = try BundleFiles.bundle(filename, recursive: recursive)
                var query = [("mode", "apply"), ("dryRun", "true")]
                if let namespace { query.append(("namespace", namespace)) }
                let response = try send(
                    "POST", "/v1/import?" + ConnectionText.query(query), [("Content-Type", contentType)], body)
                let answer = try ClientOutput.check(response)
                revision = answer["revision"]?.integerValue ?? 0
                reported = answer["warnings"]?.arrayValue ?? []
            }
            let least = severity.severity
            let findings = reported.compactMap(LintFinding.init(json:)).filter { $0.severity >= least }
            switch output {
            case .json:
                print(
                    String(
                        decoding: JSONWriter.bytes(
                            .object(["revision": .integer(revision), "findings": .array(findings.map(\.json))])),
                        as: UTF8.self))
            case .text:
                for finding in findings { print(Self.line(finding)) }
                StandardError.writeLine(Self.tally(findings, least: least, revision: revision, dryRun: !filename.isEmpty))
            }
            return findings.isEmpty ? 0 : Netpold.Status.failure
        }

        /// `networkpolicy.networking.k8s.io/shop/web spec.podSelector: warning: MESSAGE (SelectsNoPods)`,
        /// as compilers print a diagnostic.
        static func line(_ finding: LintFinding) -> String {
            (finding.place.map { $0 + ": " } ?? "")
                + "\(finding.severity.rawValue): \(finding.message) (\(finding.code.rawValue))"
        }

        /// `3 findings at or above warning (1 error, 2 warnings) at revision 8`.
        static func tally(_ findings: [LintFinding], least: LintFinding.Severity, revision: Int64, dryRun: Bool) -> String {
            let against = dryRun ? "the files applied to revision \(revision)" : "revision \(revision)"
            if findings.isEmpty { return "No findings at or above \(least.rawValue) in \(against)." }
            let counts = LintFinding.Severity.allCases.reversed().compactMap { severity -> String? in
                let count = findings.filter { $0.severity == severity }.count
                guard count > 0 else { return nil }
                return count == 1 || severity == .info ? "\(count) \(severity.rawValue)" : "\(count) \(severity.rawValue)s"
            }
            let total = ConnectionText.count(findings.count, "finding", "findings")
            return "\(total) at or above \(least.rawValue) (\(counts.joined(separator: ", "))) in \(against)."
        }
    }
}
