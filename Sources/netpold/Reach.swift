import ArgumentParser
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Reach: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List who can reach a pod (--to), or what a pod can reach (--from), and on which ports.",
            usage: """
                netpold reach (--to <endpoint> | --from <endpoint>) [--port <port>] [--protocol <protocol>]
                [--output <format>] [--server <url>] [<options>]
                """,
            discussion: """
                An endpoint is one of:
                  ns/pod                a stored pod
                  ns/app=web,tier=db    a hypothetical pod with these labels in namespace ns
                  10.0.0.5              an address (a stored pod's address means that pod)

                The answer lists every stored pod (never the pod itself) and every address range \
                outside the stored pods that is allowed on some port, with the ports per protocol: \
                "TCP 80, 8000-8999; UDP 53", or "all ports" when every port of TCP, UDP and SCTP is. \
                With --port only that port is considered (of --protocol, TCP by default).

                --output json prints the server's answer as it is.

                Exit status: 0 when the server answered (even when nothing is allowed), 2 on any error.

                Examples:
                  netpold reach --to shop/db           # who can reach it, on which ports
                  netpold reach --to shop/db --port 5432
                  netpold reach --from shop/api        # what it can reach
                  netpold reach --to shop/app=web      # who could reach a new app=web pod
                  netpold reach --from 10.0.0.5 --port 53 --protocol UDP --output json
                """)

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        /// The side of the question the endpoint is on; the raw value is the query parameter and body key.
        enum Direction: String {
            case to, from
        }

        @Option(
            help: ArgumentHelp("List who can reach this: ns/pod, ns/label=value,... or an IP address.", valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var to: EndpointArgument?

        @Option(
            help: ArgumentHelp("List what this can reach: ns/pod, ns/label=value,... or an IP address.", valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var from: EndpointArgument?

        @Option(help: "Only this destination port, 1-65535 (omit to list every allowed port).")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "The transport protocol of --port (TCP when omitted).")
        var transport: Decide.Transport?

        @Option(name: [.customShort("o"), .long], help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .text

        @OptionGroup var options: ServerOptions

        /// The endpoint and its side; `validate` has made sure there is exactly one.
        var question: (Direction, EndpointArgument) {
            if let to { return (.to, to) }
            return (.from, from!)
        }

        func validate() throws {
            switch (to, from) {
            case (nil, nil):
                throw ValidationError("give --to <endpoint> (who can reach it) or --from <endpoint> (what it can reach)")
            case (.some, .some):
                throw ValidationError("give --to or --from, not both: --to lists who can reach it, --from what it can reach")
            default: break
            }
            let (direction, endpoint) = question
            // Workloads and Services stand for several pods, for which a set answer has no single
            // meaning (reachable by all of them? by any?): /v1/reachability takes one pod, address or label set.
            if endpoint.json["workload"] != nil || endpoint.json["service"] != nil {
                throw ValidationError(
                    "--\(direction.rawValue) \(endpoint.text): give a pod (ns/pod), labels (ns/app=web,...) or an IP address; "
                        + "for a workload, name one of its pods or its pod labels")
            }
            if let port, !(1...65535).contains(port) { throw ValidationError("--port \(port): give a port from 1 to 65535") }
        }

        /// The request for the question: a stored pod or an address is a GET with `to`/`from` in the
        /// query, which reads well in logs and curl; labels need the POST body.
        static func request(_ direction: Direction, _ endpoint: EndpointArgument, port: Int?, transport: String?) -> (
            method: String, path: String, body: [UInt8]
        ) {
            let json = endpoint.json
            let name =
                json["ip"]?.stringValue
                ?? json["pod"]?.stringValue.map { "\(json["namespace"]?.stringValue ?? "")/\($0)" }
            if let name {
                var items = [(direction.rawValue, name)]
                if let port { items.append(("port", String(port))) }
                if let transport { items.append(("protocol", transport)) }
                return ("GET", "/v1/reachability?" + ConnectionText.query(items), [])
            }
            var body: [String: JSONValue] = [direction.rawValue: json]
            if let port { body["port"] = .integer(Int64(port)) }
            if let transport { body["protocol"] = .string(transport) }
            return ("POST", "/v1/reachability", JSONWriter.bytes(.object(body)))
        }

        func run() throws {
            let (direction, endpoint) = question
            let request = Self.request(direction, endpoint, port: port, transport: transport?.rawValue)
            let headers = request.method == "POST" ? [("Content-Type", "application/json")] : []
            let response = try options.send(request.method, request.path, headers: headers, body: request.body)
            let answer = try ClientOutput.check(response)
            if output == .json {
                ClientOutput.printBody(response)
            } else {
                let lines = Self.lines(
                    answer, direction: direction, subject: endpoint.text, port: port, transport: transport?.rawValue)
                print(lines.joined(separator: "\n"))
            }
        }

        /// The text answer: a line that counts what is allowed, then one row per pod and address range.
        /// `subject` names the endpoint when the server's answer does not (a POST echoes an object).
        static func lines(_ answer: JSONValue, direction: Direction, subject: String, port: Int?, transport: String?) -> [String]
        {
            let name = answer[direction.rawValue]?.stringValue ?? subject
            let pods = answer["pods"]?.arrayValue ?? []
            let addresses = answer["addresses"]?.arrayValue ?? []
            var scope = ""
            if let port {
                scope = " on \(transport ?? "TCP") \(port)"
            } else if let transport {
                scope = " on \(transport)"
            }
            let revision = "(revision \(answer["revision"]?.integerValue ?? 0))"
            var counted: [String] = []
            if !pods.isEmpty { counted.append(ConnectionText.count(pods.count, "pod", "pods")) }
            if !addresses.isEmpty { counted.append(ConnectionText.count(addresses.count, "address range", "address ranges")) }
            guard !counted.isEmpty else {
                let nothing = direction == .to ? "Nothing can reach \(name)" : "\(name) can reach nothing"
                return ["\(nothing)\(scope) \(revision)."]
            }
            let what = counted.joined(separator: " and ")
            let sentence = direction == .to ? "\(what) can reach \(name)" : "\(name) can reach \(what)"
            var rows = [["POD/ADDRESS", "PORTS"]]
            for pod in pods { rows.append([pod["pod"]?.stringValue ?? "?", ConnectionText.ports(pod["ports"])]) }
            for address in addresses {
                rows.append([address["cidr"]?.stringValue ?? "?", ConnectionText.ports(address["ports"])])
            }
            return ["\(sentence)\(scope) \(revision):"] + ConnectionText.columns(rows)
        }
    }
}
