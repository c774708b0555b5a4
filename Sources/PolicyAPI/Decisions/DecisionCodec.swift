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
        let source = side(reader.members["source"], at: reader.path("source"), errors: errors)
        let destination = side(reader.members["destination"], at: reader.path("destination"), errors: errors)
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

    /// An endpoint, or a stored workload (`"workload": "Deployment/api"`) or Service (`"service": "db"`).
    static func side(_ value: JSONValue?, at path: String, errors: FieldErrors) -> DecisionSide? {
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            if value == nil || value!.isNull { errors.add(.required(path)) }
            return nil
        }
        let workload = reader.string("workload")
        let service = reader.string("service")
        guard workload != nil || service != nil else { return endpoint(value, at: path, errors: errors).map { .endpoint($0) } }
        reader.rejectUnknown(["namespace", "workload", "service"])
        guard let namespace = reader.string("namespace") else {
            errors.add(.required(reader.path("namespace"), "a workload or Service is named by namespace and name"))
            return nil
        }
        if workload != nil, service != nil {
            errors.add(.forbidden(path, "name a workload or a Service, not both"))
            return nil
        }
        if let service {
            return .object(ObjectKey(kind: .service, namespace: namespace, name: service))
        }
        let text = workload ?? ""
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty, let kind = ResourceKind(alias: String(parts[0])), kind.isWorkload else {
            errors.add(
                .invalid(
                    reader.path("workload"),
                    "\"\(text)\": expected Kind/name with a workload kind (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, "
                        + "CronJob, ReplicationController)"))
            return nil
        }
        return .object(ObjectKey(kind: kind, namespace: namespace, name: String(parts[1])))
    }

    static func endpoint(_ value: JSONValue?, at path: String, errors: FieldErrors) -> Endpoint? {
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            if value == nil || value!.isNull { errors.add(.required(path)) }
            return nil
        }
        reader.rejectUnknown(["namespace", "pod", "ip", "labels", "workload", "service"])
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

    /// Parses `ns/pod`, `ns/Kind/name` (a workload or Service; also `ns/name[Kind]`) or an address,
    /// as in `GET /v1/decide?from=&to=`.
    public static func side(shorthand text: String, field: String) throws(APIError) -> DecisionSide {
        let trimmed = text.hasPrefix("ip:") ? String(text.dropFirst(3)) : text
        if let address = IPAddress(trimmed) { return .endpoint(.address(address)) }
        let expected = "expected namespace/pod, namespace/Kind/name (a workload or Service) or an IP address"
        var parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // `ns/name[Kind]`, as answers name workloads.
        if parts.count == 2, parts[1].hasSuffix("]"), let open = parts[1].firstIndex(of: "[") {
            let name = String(parts[1][..<open])
            let kind = String(parts[1][parts[1].index(after: open)..<parts[1].index(before: parts[1].endIndex)])
            parts = [parts[0], kind, name]
        }
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
            throw APIError.invalidField(field, "\"\(text)\": \(expected)")
        }
        if parts.count == 2 { return .endpoint(.pod(namespace: parts[0], name: parts[1])) }
        guard let kind = ResourceKind(alias: parts[1]), kind.isWorkload || kind == .service || kind == .pod else {
            throw APIError.invalidField(
                field, "\"\(text)\": \"\(parts[1])\" is not a workload kind, Service or Pod; \(expected)")
        }
        if kind == .pod { return .endpoint(.pod(namespace: parts[0], name: parts[2])) }
        return .object(ObjectKey(kind: kind, namespace: parts[0], name: parts[2]))
    }
}
