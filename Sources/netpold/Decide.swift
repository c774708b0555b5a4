import ArgumentParser
import Glibc
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask whether a connection is allowed, and which policy decided.",
            usage: """
                netpold decide --from <endpoint> --to <endpoint> [--port <port>]
                [--protocol <protocol>] [--output <format>] [--server <url>] [<options>]
                """,
            discussion: """
                An endpoint is one of:
                  ns/pod                a stored pod
                  ns/app=web,tier=db    a hypothetical pod with these labels in namespace ns
                  10.0.0.5              an address (a stored pod's address means that pod)

                Without --port the question is about every port of the protocol, and the first \
                line says which ports are allowed end to end: "ALLOWED on every TCP port", \
                "ALLOWED on TCP 6379 only" or "DENIED on every TCP port".

                --output json prints the server's answer as it is. Its "allowed" answers for \
                --port; without --port it is true only when every port is allowed, and "ports" \
                lists the allowed ranges ([[6379, 6379]], [[1, 65535]] or []). "egress" and \
                "ingress" answer for each side, with their own "ports" when no port was given, \
                and are absent for a side that is not a pod.

                Exit status, as for `kubectl auth can-i`: 0 allowed (without --port: on some \
                port), 1 denied, 2 on any error, so a script never takes an error for a denial.

                Examples:
                  netpold decide --from x/a --to 8.8.8.8 --port 53 --protocol UDP
                  netpold decide --from prod/web --to prod/db       # every TCP port
                  netpold decide --from prod/app=web --to prod/db --port 5432
                  netpold decide --from x/a --to y/b --port 80 --output json
                """)

        /// Any failure to get an answer: not 1, which means "denied".
        static let errorStatus: Int32 = 2

        enum Transport: String, ExpressibleByArgument, CaseIterable {
            case tcp = "TCP", udp = "UDP", sctp = "SCTP"

            init?(argument: String) { self.init(rawValue: argument.uppercased()) }
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Option(
            help: ArgumentHelp("The source: ns/pod, ns/label=value,... or an IP address.", valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var from: EndpointArgument

        @Option(
            help: ArgumentHelp("The destination: ns/pod, ns/label=value,... or an IP address.", valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var to: EndpointArgument

        @Option(help: "The destination port, 1-65535 (omit to ask about every port).")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "The transport protocol.")
        var transport: Transport = .tcp

        @Option(help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .text

        @OptionGroup var options: ServerOptions

        func validate() throws {
            if let port, !(1...65535).contains(port) { throw ValidationError("--port \(port): give a port from 1 to 65535") }
        }

        func run() throws {
            var body: [String: JSONValue] = ["source": from.json, "destination": to.json, "protocol": .string(transport.rawValue)]
            if let port { body["port"] = .integer(Int64(port)) }
            let response = try options.send(
                "POST", "/v1/decide", headers: [("Content-Type", "application/json")], body: JSONWriter.bytes(.object(body)))
            let answer = try ClientOutput.check(response)
            let verdict = Verdict(answer, port: port, transport: transport.rawValue)
            if output == .json {
                print(response.bodyText)
            } else {
                print(verdict.lines(from: from.text, to: to.text, colour: isatty(STDOUT_FILENO) == 1).joined(separator: "\n"))
            }
            if !verdict.allowed { throw ExitCode(Netpold.Status.failure) }
        }
    }
}

/// What `--from` and `--to` accept, turned into the endpoint object `/v1/decide` takes.
struct EndpointArgument {
    let text: String
    let json: JSONValue

    static let forms = "give ns/pod, ns/label=value,... (a hypothetical pod) or one IP address"

    init(parsing text: String) throws {
        self.text = text
        let address = text.hasPrefix("ip:") ? String(text.dropFirst(3)) : text
        if IPAddress(address) != nil {
            json = .object(["ip": .string(address)])
            return
        }
        guard let slash = text.firstIndex(of: "/") else {
            if !text.isEmpty, text.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
                throw ValidationError("not an IP address; \(Self.forms)")
            }
            throw ValidationError("a pod is named with its namespace; \(Self.forms)")
        }
        let namespace = String(text[..<slash])
        let rest = String(text[text.index(after: slash)...])
        if IPAddress(namespace) != nil, !rest.isEmpty, rest.allSatisfy(\.isNumber) {
            throw ValidationError("a CIDR is not an endpoint: give one address")
        }
        guard !namespace.isEmpty else { throw ValidationError("the namespace is missing before the /; \(Self.forms)") }
        // Label keys may carry a prefix with a slash (app.kubernetes.io/name=web), so `=` decides first.
        if rest.contains("=") {
            json = .object(["namespace": .string(namespace), "labels": .object(try Self.labels(rest).mapValues { .string($0) })])
            return
        }
        guard !rest.isEmpty, !rest.contains("/") else { throw ValidationError(Self.forms) }
        json = .object(["namespace": .string(namespace), "pod": .string(rest)])
    }

    static func labels(_ text: String) throws -> [String: String] {
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("\"\(pair)\" is not label=value; give labels as ns/key=value,key2=value2")
            }
            let key = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            guard !key.isEmpty else { throw ValidationError("a label in \"\(text)\" has no key; give labels as key=value") }
            guard labels[key] == nil else { throw ValidationError("the label \(key) is given twice") }
            labels[key] = value
        }
        return labels
    }
}

/// The text form of a `/v1/decide` answer, and whether it counts as allowed for the exit status.
struct Verdict {
    let answer: JSONValue
    let port: Int?
    let transport: String

    init(_ answer: JSONValue, port: Int?, transport: String) {
        self.answer = answer
        self.port = port
        self.transport = transport
    }

    /// The allowed port ranges when no port was asked about.
    var ports: [ClosedRange<Int>]? { port == nil ? Self.ranges(answer["ports"]) : nil }

    /// With a port, the server's `allowed`; without one, whether any port is allowed (its `allowed`
    /// says whether every port is).
    var allowed: Bool {
        if let ports { return !ports.isEmpty }
        return answer["allowed"]?.boolValue ?? false
    }

    func lines(from: String, to: String, colour: Bool) -> [String] {
        let word = allowed ? "ALLOWED" : "DENIED"
        let painted = colour ? "\u{1B}[\(allowed ? 32 : 31)m\(word)\u{1B}[0m" : word
        let revision = "(revision \(answer["revision"]?.integerValue ?? 0))"
        var first: String
        if let port {
            first = "\(painted)  \(from) -> \(to) \(transport)/\(port)  \(revision)"
        } else {
            let ranges = ports ?? []
            first = "\(painted) \(ranges.isEmpty ? "on every \(transport) port" : Self.phrase(ranges, transport))  \(from) -> \(to)  \(revision)"
        }
        return [first, side("egress ", answer["egress"], subject: from), side("ingress", answer["ingress"], subject: to)]
    }

    func side(_ label: String, _ value: JSONValue?, subject: String) -> String {
        guard let value else { return "  \(label) not checked (\(subject) is not a pod)" }
        let reason = value["reason"]?.stringValue ?? ""
        var text: String
        if port == nil, let ranges = Self.ranges(value["ports"]) {
            let full = ranges == [1...65535]
            if ranges.isEmpty {
                text = "  \(label) denied on every \(transport) port  \(reason)"
            } else if full {
                text = "  \(label) allowed \(Self.phrase(ranges, transport))  \(reason)"
            } else {
                // The reason is the one for the ports that are not allowed.
                text = "  \(label) allowed \(Self.phrase(ranges, transport)); the others \(reason)"
            }
        } else {
            text = "  \(label) \(value["allowed"]?.boolValue == true ? "allowed" : "denied ")  \(reason)"
        }
        if let policy = value["policy"] {
            let namespace = policy["namespace"]?.stringValue.map { "\($0)/" } ?? ""
            text += " by \(policy["kind"]?.stringValue ?? "") \(namespace)\(policy["name"]?.stringValue ?? "")"
            if let rule = value["rule"]?.integerValue { text += " rule \(rule)" }
            if let action = value["action"]?.stringValue { text += " (\(action))" }
        } else if let policies = value["policies"]?.arrayValue, !policies.isEmpty {
            let names = policies.map { policy in
                (policy["namespace"]?.stringValue.map { "\($0)/" } ?? "") + (policy["name"]?.stringValue ?? "")
            }
            text += " (applied: \(names.joined(separator: ", ")))"
        }
        return text
    }

    /// `[[from, to], ...]` as ranges, or nil when absent or malformed.
    static func ranges(_ value: JSONValue?) -> [ClosedRange<Int>]? {
        guard let items = value?.arrayValue else { return nil }
        var ranges: [ClosedRange<Int>] = []
        for item in items {
            guard let pair = item.arrayValue, pair.count == 2, let low = pair[0].integerValue, let high = pair[1].integerValue, low <= high
            else { return nil }
            ranges.append(Int(low)...Int(high))
        }
        return ranges
    }

    /// "on every TCP port", "on TCP 6379 only", "on TCP 80, 443, 8000-8080 only", or, when the
    /// exceptions are fewer than the ranges, "on every TCP port except 22". `ranges` is not empty,
    /// sorted and disjoint, as the server sends them.
    static func phrase(_ ranges: [ClosedRange<Int>], _ transport: String) -> String {
        var gaps: [ClosedRange<Int>] = []
        var next = 1
        for range in ranges {
            if range.lowerBound > next { gaps.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= 65535 { gaps.append(next...65535) }
        if gaps.isEmpty { return "on every \(transport) port" }
        if gaps.count < ranges.count { return "on every \(transport) port except \(list(gaps))" }
        return "on \(transport) \(list(ranges)) only"
    }

    static func list(_ ranges: [ClosedRange<Int>]) -> String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ", ")
    }
}
