/// Writes decision answers straight to JSON bytes, with no intermediate tree: the decision path
/// is dominated by encoding otherwise (ARCHITECTURE.md, "Where the time goes").
public enum DecisionWriter {
    /// The JSON answer for one decision.
    public static func bytes(_ decision: Decision) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(decision, into: &out)
        return out
    }

    /// The JSON answer for one decision and, asked with `staged=true`, the answer as if staged
    /// policies were enforced (under `staged`).
    public static func bytes(_ decision: Decision, staged: Decision?) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        write(decision, staged: staged, into: &out)
        return out
    }

    /// Appends one decision object.
    public static func write(_ decision: Decision, staged: Decision? = nil, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"allowed":"#.utf8)
        out.append(contentsOf: (decision.allowed ? "true" : "false").utf8)
        if let backends = decision.backends {
            out.append(contentsOf: #","backends":["#.utf8)
            for (position, backend) in backends.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(backend, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let egress = decision.egress {
            out.append(contentsOf: #","egress":"#.utf8)
            write(egress, into: &out)
        }
        if let ingress = decision.ingress {
            out.append(contentsOf: #","ingress":"#.utf8)
            write(ingress, into: &out)
        }
        if let ports = decision.ports {
            out.append(contentsOf: #","ports":"#.utf8)
            write(ports, into: &out)
        }
        out.append(contentsOf: #","revision":"#.utf8)
        writeInteger(Int(decision.revision), into: &out)
        if let staged {
            out.append(contentsOf: #","staged":"#.utf8)
            write(staged, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// One backend: its keys sorted, as everywhere in answers.
    static func write(_ backend: Backend, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"allowed":"#.utf8)
        out.append(contentsOf: (backend.allowed ? "true" : "false").utf8)
        if let egress = backend.egress {
            out.append(contentsOf: #","egress":"#.utf8)
            write(egress, into: &out)
        }
        func string(_ key: String, _ value: String?) {
            guard let value else { return }
            out.append(contentsOf: ",\"\(key)\":".utf8)
            JSONWriter.writeString(value, into: &out)
        }
        func integer(_ key: String, _ value: Int?) {
            guard let value else { return }
            out.append(contentsOf: ",\"\(key)\":\(value)".utf8)
        }
        string("from", backend.from)
        if let ingress = backend.ingress {
            out.append(contentsOf: #","ingress":"#.utf8)
            write(ingress, into: &out)
        }
        string("message", backend.message)
        string("pod", backend.pod)
        integer("port", backend.port)
        if let ports = backend.ports {
            out.append(contentsOf: #","ports":"#.utf8)
            write(ports, into: &out)
        }
        integer("servicePort", backend.servicePort)
        string("workload", backend.workload)
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ side: SideDecision, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"#.utf8)
        if let action = side.action {
            out.append(contentsOf: #""action":"#.utf8)
            JSONWriter.writeString(action, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""allowed":"#.utf8)
        out.append(contentsOf: (side.allowed ? "true" : "false").utf8)
        if let passed = side.passed {
            out.append(contentsOf: #","passed":["#.utf8)
            for (position, pass) in passed.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(pass, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let applied = side.appliedPolicies {
            // The compiled policies carry their reference pre-encoded.
            if !applied.isEmpty {
                out.append(contentsOf: #","policies":["#.utf8)
                for (position, policy) in applied.enumerated() {
                    if position > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: policy.referenceJSON)
                }
                out.append(UInt8(ascii: "]"))
            }
        } else if !side.policies.isEmpty {
            out.append(contentsOf: #","policies":["#.utf8)
            for (position, policy) in side.policies.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                write(policy, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
        if let compiled = side.decidingPolicy, side.policy == compiled.reference {
            out.append(contentsOf: #","policy":"#.utf8)
            out.append(contentsOf: compiled.referenceJSON)
        } else if let policy = side.policy {
            out.append(contentsOf: #","policy":"#.utf8)
            write(policy, into: &out)
        }
        if let ports = side.ports {
            out.append(contentsOf: #","ports":"#.utf8)
            write(ports, into: &out)
        }
        out.append(contentsOf: #","reason":""#.utf8)
        out.append(contentsOf: side.reason.rawValue.utf8)
        out.append(UInt8(ascii: "\""))
        if let rule = side.rule {
            out.append(contentsOf: #","rule":"#.utf8)
            writeInteger(rule, into: &out)
        }
        if let ruleName = side.ruleName {
            out.append(contentsOf: #","ruleName":"#.utf8)
            JSONWriter.writeString(ruleName, into: &out)
        }
        if let tier = side.tier {
            out.append(contentsOf: #","tier":"#.utf8)
            JSONWriter.writeString(tier, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ pass: TierPass, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let policy = pass.policy {
            out.append(contentsOf: #""policy":"#.utf8)
            write(policy, into: &out)
            out.append(UInt8(ascii: ","))
        }
        if let rule = pass.rule {
            out.append(contentsOf: #""rule":"#.utf8)
            out.append(contentsOf: String(rule).utf8)
            out.append(UInt8(ascii: ","))
        }
        if let ruleName = pass.ruleName {
            out.append(contentsOf: #""ruleName":"#.utf8)
            JSONWriter.writeString(ruleName, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""tier":"#.utf8)
        JSONWriter.writeString(pass.tier, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Decimal digits without building a `String` (two per answer, thousands per batch).
    static func writeInteger(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        writeDigits(value.magnitude, into: &out)
    }

    private static func writeDigits(_ value: UInt, into out: inout [UInt8]) {
        if value >= 10 { writeDigits(value / 10, into: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    static func write(_ policy: PolicyReference, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"apiVersion":"#.utf8)
        JSONWriter.writeString(policy.apiVersion, into: &out)
        out.append(contentsOf: #","kind":"#.utf8)
        JSONWriter.writeString(policy.kind, into: &out)
        out.append(contentsOf: #","name":"#.utf8)
        JSONWriter.writeString(policy.name, into: &out)
        if let namespace = policy.namespace {
            out.append(contentsOf: #","namespace":"#.utf8)
            JSONWriter.writeString(namespace, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func write(_ ports: PortSet, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (position, range) in ports.ranges.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: String(range.lowerBound).utf8)
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: String(range.upperBound).utf8)
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
    }
}
