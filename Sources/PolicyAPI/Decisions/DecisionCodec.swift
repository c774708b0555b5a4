public import PolicyCore

/// Reads decision requests, without Foundation's coders (the hot path); answers are written by ``DecisionWriter``.
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
        let port = reader.integer("port").flatMap { errors.port($0, at: reader.path("port")) }
        let proto = reader.transportProtocol(ignoringCase: true)
        guard errors.isEmpty, let source, let destination else { throw invalid(errors) }
        return DecisionRequest(source: source, destination: destination, port: port, protocol: proto)
    }

    static func invalid(_ errors: FieldErrors) -> APIError {
        APIError.invalid(
            "decision request is invalid: " + errors.causes.map(\.description).joined(separator: ", "),
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
                errors.add(
                    .forbidden(
                        path, "name a stored pod (namespace, pod), an address (ip), or a workload (namespace, labels), not a mix")
                )
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
}
