import PolicyCore
import PolicyStore

/// Formats the audit line of one decision: time, request id, revision, both endpoints, port,
/// protocol, verdict and the deciding policy of each side.
enum DecisionAudit {
    static func line(_ question: DecisionRequest, _ decision: Decision, requestID: String) -> [UInt8] {
        func endpoint(_ endpoint: Endpoint) -> JSONValue {
            switch endpoint {
            case .pod(let namespace, let name): return .object(["namespace": .string(namespace), "pod": .string(name)])
            case .address(let address): return .object(["ip": .string(address.description)])
            case .workload(let namespace, let labels, let ip):
                var object: [String: JSONValue] = ["namespace": .string(namespace), "labels": .stringMap(labels)]
                if let ip { object["ip"] = .string(ip.description) }
                return .object(object)
            }
        }
        func described(_ side: DecisionSide) -> JSONValue {
            switch side {
            case .endpoint(let plain): return endpoint(plain)
            case .object(let key) where key.kind == .service:
                return .object(["namespace": .string(key.namespace), "service": .string(key.name)])
            case .object(let key):
                return .object(["namespace": .string(key.namespace), "workload": .string("\(key.kind.kind)/\(key.name)")])
            }
        }
        func side(_ side: SideDecision?) -> JSONValue? {
            guard let side else { return nil }
            var object: [String: JSONValue] = ["allowed": .bool(side.allowed), "reason": .string(side.reason.rawValue)]
            if let policy = side.policy {
                object["policy"] = .object([
                    "kind": .string(policy.kind), "apiVersion": .string(policy.apiVersion), "name": .string(policy.name),
                    "namespace": policy.namespace.map { .string($0) } ?? .null,
                ])
            }
            if let rule = side.rule { object["rule"] = .integer(Int64(rule)) }
            return .object(object)
        }
        var record: [String: JSONValue] = [
            "time": .string(RFC3339.nowWithMilliseconds()), "requestId": .string(requestID),
            "revision": .integer(decision.revision),
            "source": described(question.sourceSide), "destination": described(question.destinationSide),
            "port": question.port.map { .integer(Int64($0)) } ?? .null, "protocol": .string(question.protocol.rawValue),
            "allowed": .bool(decision.allowed),
        ]
        if let egress = side(decision.egress) { record["egress"] = egress }
        if let ingress = side(decision.ingress) { record["ingress"] = ingress }
        if let backends = decision.backends {
            record["backends"] = .array(
                backends.map { backend in
                    var object: [String: JSONValue] = ["allowed": .bool(backend.allowed)]
                    if let pod = backend.pod { object["pod"] = .string(pod) }
                    if let workload = backend.workload { object["workload"] = .string(workload) }
                    if let from = backend.from { object["from"] = .string(from) }
                    if let port = backend.port { object["port"] = .integer(Int64(port)) }
                    return .object(object)
                })
        }
        return JSONWriter.bytes(.object(record))
    }
}
