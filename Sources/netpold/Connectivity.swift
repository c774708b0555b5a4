import ArgumentParser
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Connectivity: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every allowed connection in a scope: pod to pod, workload to workload or namespace to namespace.",
            usage: """
                netpold connectivity [-n <ns>[,<ns>...]] [--group-by <group>] [--port <port>] [--protocol <protocol>]
                [--externals] [--output <format>] [--server <url>] [<options>]
                """,
            discussion: """
                Lists each pair with something allowed and the ports it allows per protocol ("TCP 80, \
                8000-8999; UDP 53", or "all ports" for every port of TCP, UDP and SCTP); a pod with \
                itself is not listed. All of it is computed on one revision, with the same semantics \
                as `netpold decide`.

                --group-by workload names workloads ns/name[Kind] (a pod without an owner is its own \
                workload, ns/name[Pod]) and lists the ports every pod pair of the two allows. \
                --group-by namespace lists the ports any pod pair allows, and ALLOWED/TOTAL counts the \
                pod pairs with anything allowed, of all pod pairs between the two namespaces.

                --externals adds the address ranges outside every stored pod (0.0.0.0/0, 10.0.0.0/8, \
                ::/0...) as sources and destinations.

                --output json, csv, md (a Markdown table) and dot (a Graphviz graph: pipe it to \
                `dot -Tsvg`) print the server's answer as it is.

                An answer too large for the server's --max-connections is refused: narrow it with -n \
                or a coarser --group-by.

                Exit status: 0 when the server answered (even when nothing is allowed), 2 on any error.

                Examples:
                  netpold connectivity -n shop
                  netpold connectivity --group-by namespace
                  netpold connectivity -n shop,payments --group-by workload --externals
                  netpold connectivity -n shop --port 5432 --output csv > shop-5432.csv
                  netpold connectivity --group-by workload -o dot | dot -Tsvg > connectivity.svg
                """)

        enum GroupBy: String, ExpressibleByArgument, CaseIterable {
            case pod, workload, namespace
        }

        /// The raw value is the server's `format` parameter, except `text`, which this command draws from json.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json, csv, md, dot
        }

        @Option(
            name: [.customShort("n"), .long],
            help: ArgumentHelp(
                "Only connections from or to pods in these namespaces (comma-separated or repeated; default all).",
                valueName: "ns"))
        var namespace: [String] = []

        @Option(help: ArgumentHelp("What each row connects.", valueName: "group"))
        var groupBy: GroupBy = .pod

        @Option(help: "Only this destination port, 1-65535 (omit to list every allowed port).")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "The transport protocol of --port (TCP when omitted).")
        var transport: Decide.Transport?

        @Flag(help: "Also list address ranges outside every stored pod, as sources and destinations.")
        var externals = false

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .text

        @OptionGroup var options: ServerOptions

        var namespaces: [String] { ConnectionText.namespaces(namespace) }

        func validate() throws { try ConnectionText.validate(namespaces: namespace, port: port) }

        var path: String {
            var items: [(String, String)] = []
            if !namespaces.isEmpty { items.append(("namespace", namespaces.joined(separator: ","))) }
            items.append(("groupBy", groupBy.rawValue))
            if let port { items.append(("port", String(port))) }
            if let transport { items.append(("protocol", transport.rawValue)) }
            if externals { items.append(("externals", "true")) }
            items.append(("format", output == .text ? Format.json.rawValue : output.rawValue))
            return "/v1/connectivity?" + ConnectionText.query(items)
        }

        func run() throws {
            let response = try options.send("GET", path)
            let answer = try ClientOutput.check(response, expectJSON: output == .text || output == .json)
            if output == .text {
                print(Self.lines(answer, groupBy: groupBy).joined(separator: "\n"))
            } else {
                ClientOutput.printBody(response)
            }
        }

        /// The text answer: a line that counts the connections, then FROM, TO and PORTS columns (and
        /// ALLOWED/TOTAL pod pairs when grouped by namespace).
        static func lines(_ answer: JSONValue, groupBy requested: GroupBy) -> [String] {
            let groupBy = answer["groupBy"]?.stringValue.flatMap(GroupBy.init(rawValue:)) ?? requested
            let connections = answer["connections"]?.arrayValue ?? []
            let revision = "(revision \(answer["revision"]?.integerValue ?? 0))"
            guard !connections.isEmpty else { return ["No connections allowed \(revision)."] }
            let counted = ConnectionText.count(connections.count, "connection", "connections")
            var rows = [["FROM", "TO", "PORTS"] + (groupBy == .namespace ? ["ALLOWED/TOTAL"] : [])]
            for connection in connections {
                var row = [
                    connection["from"]?.stringValue ?? "?", connection["to"]?.stringValue ?? "?",
                    ConnectionText.ports(connection["ports"]),
                ]
                if groupBy == .namespace {
                    let pairs = connection["pairs"]
                    let allowed = pairs?["allowed"]?.integerValue.map(String.init) ?? "?"
                    row.append("\(allowed)/\(pairs?["total"]?.integerValue.map(String.init) ?? "?")")
                }
                rows.append(row)
            }
            return ["\(counted) allowed, grouped by \(groupBy.rawValue) \(revision):"] + ConnectionText.columns(rows)
        }
    }
}
