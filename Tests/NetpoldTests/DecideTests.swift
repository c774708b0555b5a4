import ArgumentParser
import PolicyCore
import Testing

@testable import netpold

@Suite struct EndpointArgumentTests {
    func json(_ text: String) throws -> JSONValue { try EndpointArgument(parsing: text).json }

    func refusal(_ text: String) -> String? {
        do {
            _ = try EndpointArgument(parsing: text)
            return nil
        } catch let error as ArgumentParser.ValidationError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    @Test func podsAddressesAndHypotheticalWorkloads() throws {
        #expect(try json("prod/web") == .object(["namespace": .string("prod"), "pod": .string("web")]))
        #expect(try json("10.0.0.5") == .object(["ip": .string("10.0.0.5")]))
        #expect(try json("ip:fd00::1") == .object(["ip": .string("fd00::1")]))
        #expect(
            try json("prod/app=web,tier=db")
                == .object(["namespace": .string("prod"), "labels": .object(["app": .string("web"), "tier": .string("db")])]))
        // A label key may have a prefix with a slash, and a value may be empty.
        #expect(
            try json("prod/app.kubernetes.io/name=web,canary=")
                == .object([
                    "namespace": .string("prod"),
                    "labels": .object(["app.kubernetes.io/name": .string("web"), "canary": .string("")]),
                ]))
    }

    @Test func aCIDRIsRefusedAsSuch() {
        #expect(refusal("10.0.0.0/8") == "a CIDR is not an endpoint: give one address")
        #expect(refusal("fd00::/64") == "a CIDR is not an endpoint: give one address")
    }

    @Test func workloadsAndServicesAsKubectlNamesThem() throws {
        let deployment = JSONValue.object(["namespace": .string("x"), "workload": .string("Deployment/api")])
        #expect(try json("x/Deployment/api") == deployment)
        #expect(try json("x/deploy/api") == deployment)
        #expect(try json("x/api[Deployment]") == deployment)
        #expect(try json("x/sts/db") == .object(["namespace": .string("x"), "workload": .string("StatefulSet/db")]))
        #expect(try json("x/Service/db") == .object(["namespace": .string("x"), "service": .string("db")]))
        #expect(try json("x/svc/db") == .object(["namespace": .string("x"), "service": .string("db")]))
        #expect(try json("x/pod/a") == .object(["namespace": .string("x"), "pod": .string("a")]))
        #expect(refusal("x/Gadget/api")?.contains("\"Gadget\" is not a workload kind") == true)
    }

    @Test func otherBadEndpointsSayWhatIsAccepted() {
        for text in ["web", "", "/web", "prod/", "x/Deployment/", "x/a/b/c", "10.0.0.300"] {
            let message = refusal(text)
            #expect(message?.contains("ns/label=value,... (a hypothetical pod) or one IP address") == true, "\(text)")
        }
        #expect(refusal("prod/app=web,tier")?.contains("\"tier\" is not label=value") == true)
        #expect(refusal("prod/=web") != nil)
        #expect(refusal("prod/a=1,a=2") == "the label a is given twice")
    }
}

@Suite struct VerdictTests {
    func answer(allowed: Bool, ports: [[Int]]?) -> JSONValue {
        var object: [String: JSONValue] = ["allowed": .bool(allowed), "revision": .integer(7)]
        if let ports { object["ports"] = .array(ports.map { .array($0.map { .integer(Int64($0)) }) }) }
        return .object(object)
    }

    func firstLine(_ answer: JSONValue, port: Int? = nil) -> String {
        Verdict(answer, port: port, transport: "TCP").lines(from: "a/x", to: "b/y", colour: false)[0]
    }

    @Test func withoutAPortTheVerdictNamesTheAllowedPorts() {
        #expect(firstLine(answer(allowed: false, ports: [[6379, 6379]])) == "ALLOWED on TCP 6379 only  a/x -> b/y  (revision 7)")
        #expect(
            firstLine(answer(allowed: false, ports: [[80, 80], [443, 443], [8000, 8080]]))
                == "ALLOWED on TCP 80, 443, 8000-8080 only  a/x -> b/y  (revision 7)")
        #expect(firstLine(answer(allowed: true, ports: [[1, 65535]])) == "ALLOWED on every TCP port  a/x -> b/y  (revision 7)")
        #expect(firstLine(answer(allowed: false, ports: [])) == "DENIED on every TCP port  a/x -> b/y  (revision 7)")
        #expect(
            firstLine(answer(allowed: false, ports: [[1, 21], [23, 65535]]))
                == "ALLOWED on every TCP port except 22  a/x -> b/y  (revision 7)")
        #expect(firstLine(answer(allowed: false, ports: [[1, 1023]])) == "ALLOWED on TCP 1-1023 only  a/x -> b/y  (revision 7)")
    }

    @Test func withAPortTheVerdictIsTheServersAllowed() {
        #expect(firstLine(answer(allowed: true, ports: nil), port: 80) == "ALLOWED  a/x -> b/y TCP/80  (revision 7)")
        #expect(firstLine(answer(allowed: false, ports: nil), port: 80) == "DENIED  a/x -> b/y TCP/80  (revision 7)")
    }

    /// The exit status: without a port, allowed means some port is.
    @Test func someAllowedPortCountsAsAllowed() {
        #expect(Verdict(answer(allowed: false, ports: [[6379, 6379]]), port: nil, transport: "TCP").allowed)
        #expect(!Verdict(answer(allowed: false, ports: []), port: nil, transport: "TCP").allowed)
        #expect(Verdict(answer(allowed: true, ports: nil), port: 80, transport: "TCP").allowed)
        #expect(!Verdict(answer(allowed: false, ports: nil), port: 80, transport: "TCP").allowed)
    }

    @Test func aSideSaysWhichPortsItAllows() {
        let side: JSONValue = .object([
            "allowed": .bool(false), "reason": .string("NoRuleMatched"),
            "ports": .array([.array([.integer(6379), .integer(6379)])]),
            "policies": .array([.object(["name": .string("deny"), "namespace": .string("b")])]),
        ])
        let verdict = Verdict(.object(["allowed": .bool(false), "ingress": side]), port: nil, transport: "TCP")
        #expect(
            verdict.side("ingress", side, subject: "b/y")
                == "  ingress allowed on TCP 6379 only; the others NoRuleMatched (applied: b/deny)")
    }
}
