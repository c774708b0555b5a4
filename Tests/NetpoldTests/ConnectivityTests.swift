import ArgumentParser
import PolicyCore
import Testing

@testable import netpold

/// `[[low, high], ...]` per protocol, as the server sends ports.
private func ports(_ ranges: [String: [[Int]]]) -> JSONValue {
    .object(ranges.mapValues { .array($0.map { .array($0.map { .integer(Int64($0)) }) }) })
}

private let everyPort = ports(["TCP": [[1, 65535]], "UDP": [[1, 65535]], "SCTP": [[1, 65535]]])

/// The message of the usage error `arguments` give, or nil when they parse.
private func usageError<Command: ParsableCommand>(_ command: Command.Type, _ arguments: [String]) -> String? {
    do {
        _ = try Command.parse(arguments)
        return nil
    } catch {
        // Usage errors are what `Netpold.finish` turns into exit status 2.
        #expect(Netpold.exitCode(for: error) == .validationFailure, "\(arguments)")
        return Netpold.message(for: error)
    }
}

@Suite struct ConnectionTextTests {
    @Test func portsArePerProtocolInReadingOrder() {
        #expect(
            ConnectionText.ports(ports(["UDP": [[53, 53]], "TCP": [[80, 80], [8000, 8999]]])) == "TCP 80, 8000-8999; UDP 53")
        #expect(ConnectionText.ports(ports(["SCTP": [[9, 9]], "TCP": [[5432, 5432]]])) == "TCP 5432; SCTP 9")
        #expect(ConnectionText.ports(everyPort) == "all ports")
        // Every port of one protocol is not "all ports".
        #expect(ConnectionText.ports(ports(["TCP": [[1, 65535]], "UDP": [[1, 65535]]])) == "TCP 1-65535; UDP 1-65535")
        #expect(ConnectionText.ports(ports([:])) == "none")
        #expect(ConnectionText.ports(ports(["TCP": []])) == "none")
    }

    @Test func columnsAreAlignedWithoutTrailingBlanks() {
        #expect(
            ConnectionText.columns([["A", "BB", "C"], ["long", "x", "yy"]]) == [
                "A      BB   C",
                "long   x    yy",
            ])
    }

    @Test func queryValuesAreEscapedButPathsAndListsStayReadable() {
        #expect(ConnectionText.query([("to", "shop/db"), ("port", "80")]) == "to=shop/db&port=80")
        #expect(ConnectionText.query([("to", "fd00::1")]) == "to=fd00::1")
        #expect(ConnectionText.query([("namespace", "a,b")]) == "namespace=a,b")
        #expect(ConnectionText.query([("x", "a b&c=d+é")]) == "x=a%20b%26c%3dd%2b%c3%a9")
    }
}

@Suite struct ReachArgumentTests {
    @Test func exactlyOneOfToAndFrom() throws {
        #expect(try Netpold.Reach.parse(["--to", "shop/db"]).question.0 == .to)
        #expect(try Netpold.Reach.parse(["--from", "shop/api"]).question.0 == .from)
        #expect(usageError(Netpold.Reach.self, [])?.contains("give --to <endpoint> (who can reach it) or --from") == true)
        #expect(usageError(Netpold.Reach.self, ["--to", "a/b", "--from", "c/d"])?.contains("not both") == true)
    }

    @Test func workloadsServicesPortsAndProtocolsAreCheckedBeforeAsking() throws {
        #expect(usageError(Netpold.Reach.self, ["--to", "shop/Deployment/api"])?.contains("name one of its pods") == true)
        #expect(usageError(Netpold.Reach.self, ["--from", "shop/svc/db"])?.contains("give a pod (ns/pod)") == true)
        #expect(usageError(Netpold.Reach.self, ["--to", "shop/db", "--port", "0"])?.contains("from 1 to 65535") == true)
        #expect(usageError(Netpold.Reach.self, ["--to", "shop/db", "--protocol", "ICMP"]) != nil)
        #expect(usageError(Netpold.Reach.self, ["--to", "10.0.0.0/8"])?.contains("a CIDR is not an endpoint") == true)
        #expect(usageError(Netpold.Reach.self, ["--to", "shop/db", "-o", "yaml"]) != nil)
        let reach = try Netpold.Reach.parse(["--to", "shop/db", "--port", "53", "--protocol", "udp", "-o", "json"])
        #expect(reach.transport == .udp && reach.port == 53 && reach.output == .json)
    }

    @Test func podsAndAddressesAreAskedWithGETLabelsWithPOST() throws {
        let pod = Netpold.Reach.request(.to, try EndpointArgument(parsing: "shop/db"), port: nil, transport: nil)
        #expect(pod.method == "GET" && pod.path == "/v1/reachability?to=shop/db" && pod.body.isEmpty)
        let address = Netpold.Reach.request(.from, try EndpointArgument(parsing: "ip:fd00::1"), port: 53, transport: "UDP")
        #expect(address.path == "/v1/reachability?from=fd00::1&port=53&protocol=UDP")
        let labels = Netpold.Reach.request(.to, try EndpointArgument(parsing: "shop/app=web,tier=db"), port: 80, transport: nil)
        #expect(labels.method == "POST" && labels.path == "/v1/reachability")
        #expect(
            try JSONParser.parse(labels.body)
                == .object([
                    "to": .object([
                        "namespace": .string("shop"), "labels": .object(["app": .string("web"), "tier": .string("db")]),
                    ]),
                    "port": .integer(80),
                ]))
    }

    @Test func theQuestionCommandsShareDecidesErrorStatus() {
        #expect(Netpold.answersQuestions(Netpold.Reach()))
        #expect(Netpold.answersQuestions(Netpold.Connectivity()))
        #expect(!Netpold.answersQuestions(Netpold.Export()))
    }
}

@Suite struct ReachTextTests {
    let answer: JSONValue = .object([
        "revision": .integer(42), "to": .string("shop/db"),
        "pods": .array([
            .object(["pod": .string("shop/api"), "ports": ports(["TCP": [[5432, 5432]]])]),
            .object(["pod": .string("monitoring/prometheus-0"), "ports": everyPort]),
        ]),
        "addresses": .array([
            .object(["cidr": .string("10.20.0.0/16"), "ports": ports(["TCP": [[5432, 5432]], "UDP": [[53, 53]]])])
        ]),
    ])

    @Test func whoCanReachAPod() {
        #expect(
            Netpold.Reach.lines(answer, direction: .to, subject: "shop/db", port: nil, transport: nil) == [
                "2 pods and 1 address range can reach shop/db (revision 42):",
                "POD/ADDRESS               PORTS",
                "shop/api                  TCP 5432",
                "monitoring/prometheus-0   all ports",
                "10.20.0.0/16              TCP 5432; UDP 53",
            ])
    }

    @Test func whatAPodCanReachOnOnePort() {
        let from: JSONValue = .object([
            "revision": .integer(7), "from": .string("shop/api"), "addresses": .array([]),
            "pods": .array([.object(["pod": .string("shop/db"), "ports": ports(["TCP": [[5432, 5432]]])])]),
        ])
        #expect(
            Netpold.Reach.lines(from, direction: .from, subject: "shop/api", port: 5432, transport: nil) == [
                "shop/api can reach 1 pod on TCP 5432 (revision 7):",
                "POD/ADDRESS   PORTS",
                "shop/db       TCP 5432",
            ])
    }

    @Test func nothingAllowedIsSaid() {
        let empty: JSONValue = .object(["revision": .integer(3), "pods": .array([]), "addresses": .array([])])
        #expect(
            Netpold.Reach.lines(empty, direction: .to, subject: "shop/db", port: 22, transport: "TCP") == [
                "Nothing can reach shop/db on TCP 22 (revision 3)."
            ])
        #expect(
            Netpold.Reach.lines(empty, direction: .from, subject: "shop/app=web", port: nil, transport: nil) == [
                "shop/app=web can reach nothing (revision 3)."
            ])
    }

    /// A POST answer echoes the endpoint as an object: the header names it as it was given.
    @Test func aHypotheticalPodIsNamedAsGiven() {
        var posted = answer
        posted["to"] = .object(["namespace": .string("shop"), "labels": .object(["app": .string("web")])])
        posted["addresses"] = .array([])
        #expect(
            Netpold.Reach.lines(posted, direction: .to, subject: "shop/app=web", port: nil, transport: nil).first
                == "2 pods can reach shop/app=web (revision 42):")
    }
}

@Suite struct ConnectivityTests {
    @Test func theRequestCarriesEveryFilter() throws {
        let all = try Netpold.Connectivity.parse([])
        #expect(all.path == "/v1/connectivity?groupBy=pod&format=json")
        let narrow = try Netpold.Connectivity.parse([
            "-n", "shop,payments", "-n", "db", "--group-by", "namespace", "--port", "5432", "--protocol", "tcp", "--externals",
            "-o", "dot",
        ])
        #expect(
            narrow.path
                == "/v1/connectivity?namespace=shop,payments,db&groupBy=namespace&port=5432&protocol=TCP&externals=true&format=dot"
        )
        #expect(try Netpold.Connectivity.parse(["-o", "md"]).path.hasSuffix("&format=md"))
        #expect(try Netpold.Connectivity.parse(["--output", "csv"]).path.hasSuffix("&format=csv"))
    }

    @Test func badValuesAreUsageErrors() {
        #expect(usageError(Netpold.Connectivity.self, ["--group-by", "cluster"]) != nil)
        #expect(usageError(Netpold.Connectivity.self, ["-o", "svg"]) != nil)
        #expect(usageError(Netpold.Connectivity.self, ["--port", "65536"])?.contains("from 1 to 65535") == true)
        #expect(usageError(Netpold.Connectivity.self, ["-n", "shop,,db"])?.contains("separated by commas") == true)
        #expect(usageError(Netpold.Connectivity.self, ["--server", "localhost:8080"])?.contains("http://") == true)
    }

    @Test func podConnectionsAreATable() {
        let answer: JSONValue = .object([
            "revision": .integer(42), "groupBy": .string("pod"),
            "connections": .array([
                .object(["from": .string("shop/api"), "to": .string("shop/db"), "ports": ports(["TCP": [[5432, 5432]]])]),
                .object(["from": .string("shop/api"), "to": .string("0.0.0.0/0"), "ports": ports(["UDP": [[53, 53]]])]),
                .object(["from": .string("monitoring/prometheus-0"), "to": .string("shop/api"), "ports": everyPort]),
            ]),
        ])
        #expect(
            Netpold.Connectivity.lines(answer, groupBy: .pod) == [
                "3 connections allowed, grouped by pod (revision 42):",
                "FROM                      TO          PORTS",
                "shop/api                  shop/db     TCP 5432",
                "shop/api                  0.0.0.0/0   UDP 53",
                "monitoring/prometheus-0   shop/api    all ports",
            ])
    }

    @Test func namespaceConnectionsCountTheirPodPairs() {
        let answer: JSONValue = .object([
            "revision": .integer(9), "groupBy": .string("namespace"),
            "connections": .array([
                .object([
                    "from": .string("shop"), "to": .string("payments"), "ports": ports(["TCP": [[443, 443], [8000, 8999]]]),
                    "pairs": .object(["allowed": .integer(3), "total": .integer(12)]),
                ])
            ]),
        ])
        #expect(
            Netpold.Connectivity.lines(answer, groupBy: .namespace) == [
                "1 connection allowed, grouped by namespace (revision 9):",
                "FROM   TO         PORTS                ALLOWED/TOTAL",
                "shop   payments   TCP 443, 8000-8999   3/12",
            ])
    }

    @Test func noConnectionsIsSaid() {
        let answer: JSONValue = .object(["revision": .integer(5), "groupBy": .string("workload"), "connections": .array([])])
        #expect(Netpold.Connectivity.lines(answer, groupBy: .workload) == ["No connections allowed (revision 5)."])
    }
}
