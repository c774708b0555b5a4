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
                  ns/Deployment/api     a stored workload (any workload kind, as kubectl names it: \
                deploy, sts, ds, rs, job, cj, rc; ns/api[Deployment] also works): every pod it runs, \
                or its pod template when it has none
                  ns/Service/db         (--to only) a Service's backends; --port is the Service port, \
                mapped to each backend's targetPort
                  ns/app=web,tier=db    a hypothetical pod with these labels in namespace ns
                  10.0.0.5              an address (a stored pod's address means that pod)

                Without --port the question is about every port of the protocol, and the first \
                line says which ports are allowed end to end: "ALLOWED on every TCP port", \
                "ALLOWED on TCP 6379 only" or "DENIED on every TCP port".

                --output json prints the server's answer as it is. Its "allowed" answers for \
                --port; without --port it is true only when every port is allowed, and "ports" \
                lists the allowed ranges ([[6379, 6379]], [[1, 65535]] or []). "egress" and \
                "ingress" answer for each side, with their own "ports" when no port was given, \
                and are absent for a side that is not a pod. For a workload or Service, "allowed" \
                holds for every pod it stands for, and "backends" lists each with its own verdict.

                Exit status, as for `kubectl auth can-i`: 0 allowed (without --port: on some \
                port), 1 denied, 2 on any error, so a script never takes an error for a denial.

                Examples:
                  netpold decide --from x/a --to 8.8.8.8 --port 53 --protocol UDP
                  netpold decide --from prod/web --to prod/db       # every TCP port
                  netpold decide --from prod/app=web --to prod/db --port 5432
                  netpold decide --from x/a --to y/b --port 80 --output json
                  netpold decide --from shop/Deployment/web --to shop/Service/db --port 5432
                """)

        /// Any failure to get an answer: not 1, which means "denied".
        static let errorStatus: Int32 = 2

        enum Transport: String, ExpressibleByArgument, CaseIterable {
            case tcp = "TCP"
            case udp = "UDP"
            case sctp = "SCTP"

            init?(argument: String) { self.init(rawValue: argument.uppercased()) }
        }

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, json
        }

        @Option(
            help: ArgumentHelp("The source: ns/pod, ns/Kind/name, ns/label=value,... or an IP address.", valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var from: EndpointArgument

        @Option(
            help: ArgumentHelp(
                "The destination: ns/pod, ns/Kind/name (a workload or Service), ns/label=value,... or an IP address.",
                valueName: "endpoint"),
            transform: EndpointArgument.init(parsing:))
        var to: EndpointArgument

        @Option(help: "The destination port, 1-65535 (omit to ask about every port).")
        var port: Int?

        @Option(name: .customLong("protocol"), help: "The transport protocol.")
        var transport: Transport = .tcp

        @Option(help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .text

        @Flag(help: "Also answer as if every staged policy (StagedNetworkPolicy, ...) were enforced.")
        var staged = false

        @OptionGroup var options: ServerOptions

        func validate() throws {
            if let port, !(1...65535).contains(port) { throw ValidationError("--port \(port): give a port from 1 to 65535") }
        }

        func run() throws {
            var body: [String: JSONValue] = [
                "source": from.json, "destination": to.json, "protocol": .string(transport.rawValue),
            ]
            if let port { body["port"] = .integer(Int64(port)) }
            let response = try options.send(
                "POST", staged ? "/v1/decide?staged=true" : "/v1/decide", headers: [("Content-Type", "application/json")],
                body: JSONWriter.bytes(.object(body)))
            let answer = try ClientOutput.check(response)
            let verdict = Verdict(answer, port: port, transport: transport.rawValue)
            if output == .json {
                print(response.bodyText)
            } else {
                let colour = isatty(STDOUT_FILENO) == 1
                print(verdict.lines(from: from.text, to: to.text, colour: colour).joined(separator: "\n"))
                if let stagedAnswer = answer["staged"] {
                    print("with the staged policies enforced:")
                    let stagedVerdict = Verdict(stagedAnswer, port: port, transport: transport.rawValue)
                    print(stagedVerdict.lines(from: from.text, to: to.text, colour: colour).joined(separator: "\n"))
                }
            }
            if !verdict.allowed { throw ExitCode(Netpold.Status.failure) }
        }
    }
}
