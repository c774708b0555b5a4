public import PolicyCore

/// Reads decision requests and writes decisions as JSON, without Foundation's coders (the hot path).
public enum DecisionCodec {
    /// Parses a `POST /v1/decide` body.
    public static func request(_ value: JSONValue, at path: String = "") throws(APIError) -> DecisionRequest {
        let errors = FieldErrors()
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            throw APIError.invalidField(path.isEmpty ? "body" : path, "must be an object")
        }
        reader.rejectUnknown(["source", "destination", "port", "protocol"])
        let source = endpoint(reader.members["source"], at: reader.path("source"), errors: errors)
        let destination = endpoint(reader.members["destination"], at: reader.path("destination"), errors: errors)
        var port: Int?
        if let number = reader.integer("port") {
            if (1...65535).contains(number) {
                port = Int(number)
            } else {
                errors.add(.invalid(reader.path("port"), "\(number): must be between 1 and 65535, inclusive"))
            }
        }
        var proto = TransportProtocol.tcp
        if let name = reader.string("protocol") {
            if let parsed = TransportProtocol(rawValue: name.uppercased()) {
                proto = parsed
            } else {
                errors.add(.notSupported(reader.path("protocol"), name, supported: ["SCTP", "TCP", "UDP"]))
            }
        }
        guard errors.isEmpty, let source, let destination else { throw invalid(errors) }
        return DecisionRequest(source: source, destination: destination, port: port, protocol: proto)
    }

    static func invalid(_ errors: FieldErrors) -> APIError {
        APIError(
            code: 422, reason: "Invalid",
            message: "decision request is invalid: " + errors.causes.map(\.description).joined(separator: ", "),
            causes: errors.causes)
    }

    static func endpoint(_ value: JSONValue?, at path: String, errors: FieldErrors) -> Endpoint? {
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            if value == nil || value!.isNull { errors.add(.required(path)) }
            return nil
        }
        reader.rejectUnknown(["namespace", "pod", "ip", "labels"])
        var address: IPAddress?
        if let text = reader.string("ip") {
            address = IPAddress(text)
            if address == nil { errors.add(.invalid(reader.path("ip"), "\"\(text)\": must be a valid IP address")) }
        }
        let namespace = reader.string("namespace")
        let pod = reader.string("pod")
        let labels = reader.stringMap("labels")
        if let pod {
            guard let namespace else {
                errors.add(.required(reader.path("namespace"), "a pod is named by namespace and pod"))
                return nil
            }
            if reader.has("labels") || reader.has("ip") {
                errors.add(.forbidden(path, "name a stored pod (namespace, pod), an address (ip), or a workload (namespace, labels), not a mix"))
                return nil
            }
            return .pod(namespace: namespace, name: pod)
        }
        if let labels {
            guard let namespace else {
                errors.add(.required(reader.path("namespace"), "a workload needs a namespace"))
                return nil
            }
            return .workload(namespace: namespace, labels: labels, ip: address)
        }
        if let address {
            if namespace != nil {
                errors.add(.forbidden(reader.path("namespace"), "give labels for a workload, or ip alone for an address"))
                return nil
            }
            return .address(address)
        }
        if !reader.has("ip") { errors.add(.required(path, "give namespace and pod, ip, or namespace and labels")) }
        return nil
    }

    /// Parses `ns/pod` or an address, as in `GET /v1/decide?from=&to=`.
    public static func endpoint(shorthand text: String, field: String) throws(APIError) -> Endpoint {
        let trimmed = text.hasPrefix("ip:") ? String(text.dropFirst(3)) : text
        if let address = IPAddress(trimmed) { return .address(address) }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw APIError.invalidField(field, "\"\(text)\": expected namespace/pod or an IP address")
        }
        return .pod(namespace: String(parts[0]), name: String(parts[1]))
    }

    /// The JSON answer.
    public static func json(_ decision: Decision) -> JSONValue {
        var object: [String: JSONValue] = [
            "allowed": .bool(decision.allowed), "revision": .integer(decision.revision),
        ]
        if let egress = decision.egress { object["egress"] = json(egress) }
        if let ingress = decision.ingress { object["ingress"] = json(ingress) }
        if let ports = decision.ports { object["ports"] = json(ports) }
        return .object(object)
    }

    static func json(_ side: SideDecision) -> JSONValue {
        var object: [String: JSONValue] = ["allowed": .bool(side.allowed), "reason": .string(side.reason.rawValue)]
        if let policy = side.policy { object["policy"] = json(policy) }
        if let rule = side.rule { object["rule"] = .integer(Int64(rule)) }
        if let action = side.action { object["action"] = .string(action) }
        if !side.policies.isEmpty { object["policies"] = .array(side.policies.map(json)) }
        if let ports = side.ports { object["ports"] = json(ports) }
        return .object(object)
    }

    static func json(_ policy: PolicyReference) -> JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(policy.kind), "apiVersion": .string(policy.apiVersion), "name": .string(policy.name),
        ]
        if let namespace = policy.namespace { object["namespace"] = .string(namespace) }
        return .object(object)
    }

    static func json(_ ports: PortSet) -> JSONValue {
        .array(ports.ranges.map { .array([.integer(Int64($0.lowerBound)), .integer(Int64($0.upperBound))]) })
    }

    /// Maps an evaluator error to its HTTP form.
    public static func apiError(_ error: DecisionError) -> APIError {
        switch error.kind {
        case .podNotFound, .namespaceNotFound:
            return APIError(code: 404, reason: "NotFound", message: "\(error.field): \(error.message)")
        case .invalid:
            return APIError.invalidField(error.field, error.message)
        }
    }
}
