import ArgumentParser
import Glibc
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what applying files would open or close, without storing them; exit 1 when something changes.",
            usage: """
                netpold diff -f <file|dir|-> ... [-R] [--mode <mode>] [-n <ns>[,<ns>...]] [--group-by <group>]
                [--port <port>] [--protocol <protocol>] [--fail-on <direction>] [--output <format>] [--server <url>]
                """,
            discussion: """
                Like `kubectl diff`, for connectivity: the bundle is validated as `netpold apply` would \
                (same errors), compared with the store, and every pair whose allowed ports would \
                change is listed with the ports before and after. Nothing is stored.

                + a pair gains access it did not have; - a pair loses all of its access; ~ its ports \
                change (in colour on a terminal: green, red, yellow).

                Exit status: 0 when nothing changes, 1 when something does, 2 on any error, so a CI \
                job can gate a pull request on it. --fail-on gained exits 1 only when some pair may \
                reach a port it could not reach before (this change may only close access); \
                --fail-on lost only when some pair loses a port.

                --output md writes a Markdown report for a pull-request comment; json, the server's answer.

                Examples:
                  netpold diff -f policies/
                  netpold diff -f deploy/ -R --group-by workload --fail-on gained
                  netpold diff -f bundle.yaml --mode replace -n shop -o md > comment.md
                """)

        enum Mode: String, ExpressibleByArgument, CaseIterable {
            case apply, replace
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, md
        }

        enum Direction: String, ExpressibleByArgument, CaseIterable {
            case any, gained, lost
        }

        @Option(
            name: [.customShort("f"), .long],
            help: ArgumentHelp(
                "A file, a folder (its .yaml, .yml and .json files), or - for stdin; repeatable.", valueName: "file|dir|-"))
        var filename: [String]

        @Flag(name: [.customShort("R"), .long], help: "Read the folders given with -f and all their subfolders.")
        var recursive = false

        @Option(help: "apply: create or replace each object; replace: the store becomes the bundle.")
        var mode: Mode = .apply

        @Option(
            name: [.customShort("n"), .long],
            help: ArgumentHelp(
                "Only pairs from or to pods in these namespaces; one is also the namespace of documents that name none.",
                valueName: "ns"))
        var namespace: [String] = []

        @Option(help: ArgumentHelp("What each row connects: pod, workload or namespace.", valueName: "group"))
        var groupBy: Connectivity.GroupBy = .pod

        @Option(help: "Only this destination port, 1-65535.")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "The transport protocol of --port (TCP when omitted).")
        var transport: Decide.Transport?

        @Option(help: ArgumentHelp("Exit 1 on any change, or only when access is gained or lost.", valueName: "direction"))
        var failOn: Direction = .any

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("text, json or md.", valueName: "format"))
        var output: Format = .text

        @OptionGroup var options: ServerOptions

        var namespaces: [String] { ConnectionText.namespaces(namespace) }

        func validate() throws { try ConnectionText.validate(namespaces: namespace, port: port) }

        func run() throws {
            guard !filename.isEmpty else { throw ValidationError("give at least one -f FILE|DIR|-") }
            let (_, contentType, body) = try BundleFiles.bundle(filename, recursive: recursive)
            var items: [(String, String)] = [("mode", mode.rawValue), ("groupBy", groupBy.rawValue)]
            if !namespaces.isEmpty { items.append(("namespace", namespaces.joined(separator: ","))) }
            if let port { items.append(("port", String(port))) }
            if let transport { items.append(("protocol", transport.rawValue)) }
            let response = try options.send(
                "POST", "/v1/connectivity/diff?" + ConnectionText.query(items), headers: [("Content-Type", contentType)],
                body: body)
            let answer = try ClientOutput.check(response)
            switch output {
            case .json: ClientOutput.printBody(response)
            case .md: print(Self.markdown(answer).joined(separator: "\n"))
            case .text: print(Self.lines(answer, colour: isatty(STDOUT_FILENO) == 1).joined(separator: "\n"))
            }
            if Self.fails(answer, on: failOn) { throw ExitCode(Netpold.Status.failure) }
        }

        /// How a pair changed: gained (had nothing), lost (has nothing now), or its ports changed.
        enum Kind {
            case gained, lost, changed

            var mark: String {
                switch self {
                case .gained: "+"
                case .lost: "-"
                case .changed: "~"
                }
            }

            /// ANSI colours, as `kubectl diff` shows added and removed lines.
            var colour: Int {
                switch self {
                case .gained: 32
                case .lost: 31
                case .changed: 33
                }
            }
        }

        static func kind(_ change: JSONValue) -> Kind {
            let before = ConnectionText.ports(change["before"])
            let after = ConnectionText.ports(change["after"])
            if before == "none" { return .gained }
            if after == "none" { return .lost }
            return .changed
        }

        /// Ports per protocol, as ranges.
        static func ranges(_ value: JSONValue?) -> [String: [ClosedRange<Int>]] {
            (value?.objectValue ?? [:]).compactMapValues { Verdict.ranges($0) }
        }

        /// Whether `after` allows a port `before` did not.
        static func widens(_ before: JSONValue?, _ after: JSONValue?) -> Bool {
            let old = ranges(before)
            for (proto, list) in ranges(after) {
                let covering = old[proto] ?? []
                for range in list where !covers(covering, range) { return true }
            }
            return false
        }

        /// Whether sorted, disjoint ranges cover every port of `range`.
        static func covers(_ list: [ClosedRange<Int>], _ range: ClosedRange<Int>) -> Bool {
            var next = range.lowerBound
            for item in list.sorted(by: { $0.lowerBound < $1.lowerBound }) where item.upperBound >= next {
                if item.lowerBound > next { return false }
                next = item.upperBound + 1
                if next > range.upperBound { return true }
            }
            return next > range.upperBound
        }

        /// Whether the answer should fail a gate on `direction`.
        static func fails(_ answer: JSONValue, on direction: Direction) -> Bool {
            let changes = answer["changes"]?.arrayValue ?? []
            switch direction {
            case .any: return !changes.isEmpty
            case .gained: return changes.contains { widens($0["before"], $0["after"]) }
            case .lost: return changes.contains { widens($0["after"], $0["before"]) }
            }
        }

        static func header(_ answer: JSONValue) -> (count: Int, text: String) {
            let changes = answer["changes"]?.arrayValue ?? []
            let summary = answer["summary"]
            let gained = Int(summary?["pairsGained"]?.integerValue ?? 0)
            let lost = Int(summary?["pairsLost"]?.integerValue ?? 0)
            let revision = answer["revision"]?.integerValue ?? 0
            let grouping = answer["groupBy"]?.stringValue ?? "pod"
            let text =
                "\(ConnectionText.count(changes.count, "pair changes", "pairs change")) (\(gained) gained, \(lost) lost, "
                + "\(changes.count - gained - lost) with other ports) against revision \(revision), grouped by \(grouping)"
            return (changes.count, text)
        }

        /// The text answer: a count, then one line per pair, marked and coloured by how it changed.
        static func lines(_ answer: JSONValue, colour: Bool) -> [String] {
            let changes = answer["changes"]?.arrayValue ?? []
            let revision = answer["revision"]?.integerValue ?? 0
            guard !changes.isEmpty else { return ["No connectivity changes (revision \(revision))."] }
            var rows = [["", "FROM", "TO", "BEFORE", "AFTER"]]
            for change in changes {
                rows.append([
                    kind(change).mark, change["from"]?.stringValue ?? "?", change["to"]?.stringValue ?? "?",
                    ConnectionText.ports(change["before"]), ConnectionText.ports(change["after"]),
                ])
            }
            var lines = ConnectionText.columns(rows)
            if colour {
                for (position, change) in changes.enumerated() {
                    lines[position + 1] = "\u{1B}[\(kind(change).colour)m\(lines[position + 1])\u{1B}[0m"
                }
            }
            return [header(answer).text + ":"] + lines
        }

        /// A pull-request comment: a heading, the count, and a table (the first 200 pairs).
        static func markdown(_ answer: JSONValue) -> [String] {
            let changes = answer["changes"]?.arrayValue ?? []
            let revision = answer["revision"]?.integerValue ?? 0
            var lines = ["### netpold: connectivity changes", ""]
            guard !changes.isEmpty else {
                lines.append("No connection changes: every pair allows the same ports as at revision \(revision).")
                return lines
            }
            lines.append("**\(header(answer).text).**")
            lines.append("")
            lines.append("| | From | To | Before | After |")
            lines.append("|---|---|---|---|---|")
            func cell(_ text: String) -> String {
                text.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")
            }
            for change in changes.prefix(200) {
                let kind = kind(change)
                let mark =
                    switch kind {
                    case .gained: "➕ gained"
                    case .lost: "➖ lost"
                    case .changed: "✏️ changed"
                    }
                lines.append(
                    "| \(mark) | `\(cell(change["from"]?.stringValue ?? "?"))` | `\(cell(change["to"]?.stringValue ?? "?"))` | "
                        + "\(cell(ConnectionText.ports(change["before"]))) | \(cell(ConnectionText.ports(change["after"]))) |")
            }
            if changes.count > 200 {
                lines.append("")
                lines.append("… and \(changes.count - 200) more: run `netpold diff` for all of them.")
            }
            return lines
        }
    }
}
