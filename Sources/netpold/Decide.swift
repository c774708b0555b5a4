import ArgumentParser
import Glibc
import MicroHTTP
import PolicyCore

extension Netpold {
    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask whether a connection is allowed, and which policy decided.",
            discussion: """
                Endpoints are ns/pod or an IP address.

                Examples:
                  netpold decide --from x/a --to 8.8.8.8 --port 53 --protocol UDP
                  netpold decide --from prod/web --to prod/db             # every TCP port
                  netpold decide --from x/a --to y/b --port 80 --output json
                """)

        @Option(help: "The source: ns/pod or an IP address.")
        var from: String

        @Option(help: "The destination: ns/pod or an IP address.")
        var to: String

        @Option(help: "The destination port (omit to ask about every port).")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "TCP, UDP or SCTP.")
        var transport: String = "TCP"

        @Option(help: "text or json.")
        var output: String = "text"

        @OptionGroup var options: ServerOptions

        func endpoint(_ text: String) -> JSONValue {
            if IPAddress(text) != nil { return .object(["ip": .string(text)]) }
            let parts = text.split(separator: "/", maxSplits: 1)
            if parts.count == 2 { return .object(["namespace": .string(String(parts[0])), "pod": .string(String(parts[1]))]) }
            return .object(["pod": .string(text)])
        }

        func run() throws {
            var body: [String: JSONValue] = [
                "source": endpoint(from), "destination": endpoint(to), "protocol": .string(transport.uppercased()),
            ]
            if let port { body["port"] = .integer(Int64(port)) }
            let response = try HTTPClient.send(
                method: "POST", url: "\(options.base)/v1/decide", headers: [("Content-Type", "application/json")] + options.authorization(),
                body: JSONWriter.bytes(.object(body)))
            let answer = try ClientOutput.check(response)
            if output == "json" {
                print(response.bodyText)
                return
            }
            let allowed = answer["allowed"]?.boolValue ?? false
            let colour = isatty(STDOUT_FILENO) == 1
            let verdict = allowed ? "ALLOWED" : "DENIED"
            let painted = colour ? (allowed ? "\u{1B}[32m\(verdict)\u{1B}[0m" : "\u{1B}[31m\(verdict)\u{1B}[0m") : verdict
            let portText = port.map { "\(transport.uppercased())/\($0)" } ?? "\(transport.uppercased())/*"
            print("\(painted)  \(from) -> \(to) \(portText)  (revision \(answer["revision"]?.integerValue ?? 0))")
            print(side("egress ", answer["egress"], subject: from))
            print(side("ingress", answer["ingress"], subject: to))
            if let ports = answer["ports"]?.arrayValue {
                print("  ports allowed end to end: \(rangesText(ports))")
            }
        }

        func rangesText(_ ranges: [JSONValue]) -> String {
            if ranges.isEmpty { return "none" }
            return ranges.map { range in
                let low = range.arrayValue?.first?.integerValue ?? 0
                let high = range.arrayValue?.last?.integerValue ?? 0
                return low == high ? "\(low)" : "\(low)-\(high)"
            }.joined(separator: ", ")
        }

        func side(_ label: String, _ value: JSONValue?, subject: String) -> String {
            guard let value else { return "  \(label) not checked (\(subject) is not a pod)" }
            var text = "  \(label) \(value["allowed"]?.boolValue == true ? "allowed" : "denied ")  \(value["reason"]?.stringValue ?? "")"
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
    }
}
