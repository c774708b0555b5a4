import PolicyCore

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
            first =
                "\(painted) \(ranges.isEmpty ? "on every \(transport) port" : Self.phrase(ranges, transport))  \(from) -> \(to)  \(revision)"
        }
        if let backends = answer["backends"]?.arrayValue {
            return [first] + backends.flatMap { backendLines($0) }
        }
        return [first, side("egress ", answer["egress"], subject: from), side("ingress", answer["ingress"], subject: to)]
    }

    /// A workload's or Service's member: which pod (or pod template), the port, its verdict and each side's reason.
    func backendLines(_ backend: JSONValue) -> [String] {
        var head = "  "
        if let from = backend["from"]?.stringValue { head += "\(from) -> " }
        head += backend["pod"]?.stringValue ?? "\(backend["workload"]?.stringValue ?? "") (no pods: its pod template)"
        if let servicePort = backend["servicePort"]?.integerValue {
            head += " service port \(servicePort)"
            if let port = backend["port"]?.integerValue { head += " -> \(transport)/\(port)" }
        } else if let port = backend["port"]?.integerValue {
            head += " \(transport)/\(port)"
        }
        let allowed = backend["allowed"]?.boolValue == true
        if port == nil, backend["servicePort"] == nil, let ranges = Self.ranges(backend["ports"]) {
            head += ranges.isEmpty ? ": denied on every \(transport) port" : ": allowed \(Self.phrase(ranges, transport))"
        } else {
            head += allowed ? ": allowed" : ": denied"
        }
        if let message = backend["message"]?.stringValue { return [head + " (\(message))"] }
        var lines = [head]
        for (label, key) in [("egress ", "egress"), ("ingress", "ingress")] {
            if let value = backend[key] { lines.append("  " + side(label, value, subject: "")) }
        }
        return lines
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
            if let name = value["ruleName"]?.stringValue { text += " \"\(name)\"" }
            if let action = value["action"]?.stringValue { text += " (\(action))" }
            if let tier = value["tier"]?.stringValue, tier != "default" { text += " in tier \(tier)" }
        } else if let policies = value["policies"]?.arrayValue, !policies.isEmpty {
            let names = policies.map { policy in
                (policy["namespace"]?.stringValue.map { "\($0)/" } ?? "") + (policy["name"]?.stringValue ?? "")
            }
            // Only the default tier is everywhere; any other is worth naming.
            if let tier = value["tier"]?.stringValue, tier != "default" { text += " at the end of tier \(tier)" }
            text += " (applied: \(names.joined(separator: ", ")))"
        }
        if let passed = value["passed"]?.arrayValue, !passed.isEmpty {
            let tiers = passed.map { pass in
                let tier = pass["tier"]?.stringValue ?? ""
                guard let policy = pass["policy"] else { return tier + " (its default action)" }
                return "\(tier) (\(policy["kind"]?.stringValue ?? "") \(policy["name"]?.stringValue ?? ""))"
            }
            text += "; passed by \(tiers.joined(separator: ", "))"
        }
        return text
    }

    /// `[[from, to], ...]` as ranges, or nil when absent or malformed.
    static func ranges(_ value: JSONValue?) -> [ClosedRange<Int>]? {
        guard let items = value?.arrayValue else { return nil }
        var ranges: [ClosedRange<Int>] = []
        for item in items {
            guard let pair = item.arrayValue, pair.count == 2, let low = pair[0].integerValue, let high = pair[1].integerValue,
                low <= high
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
