import ArgumentParser
import PolicyCore

/// What `--from` and `--to` accept, turned into the endpoint object `/v1/decide` takes.
struct EndpointArgument {
    let text: String
    let json: JSONValue

    static let forms =
        "give ns/pod, ns/Kind/name (a workload or Service: ns/Deployment/api, ns/Service/db), ns/label=value,... "
        + "(a hypothetical pod) or one IP address"

    init(parsing text: String) throws {
        self.text = text
        let address = text.hasPrefix("ip:") ? String(text.dropFirst(3)) : text
        if IPAddress(address) != nil {
            json = .object(["ip": .string(address)])
            return
        }
        guard let slash = text.firstIndex(of: "/") else {
            if !text.isEmpty, text.allSatisfy({ $0.isHexDigit || $0 == "." || $0 == ":" }) {
                throw ValidationError("not an IP address; \(Self.forms)")
            }
            throw ValidationError("a pod is named with its namespace; \(Self.forms)")
        }
        let namespace = String(text[..<slash])
        let rest = String(text[text.index(after: slash)...])
        if IPAddress(namespace) != nil, !rest.isEmpty, rest.allSatisfy(\.isNumber) {
            throw ValidationError("a CIDR is not an endpoint: give one address")
        }
        guard !namespace.isEmpty else { throw ValidationError("the namespace is missing before the /; \(Self.forms)") }
        // Label keys may carry a prefix with a slash (app.kubernetes.io/name=web), so `=` decides first.
        if rest.contains("=") {
            json = .object(["namespace": .string(namespace), "labels": .object(try Self.labels(rest).mapValues { .string($0) })])
            return
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // `ns/name[Kind]`, as answers name workloads, is accepted too.
        if parts.count == 1, rest.hasSuffix("]"), let open = rest.firstIndex(of: "[") {
            parts = [String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]), String(rest[..<open])]
        }
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty }) else { throw ValidationError(Self.forms) }
        if parts.count == 2 {
            guard let kind = ResourceKind(alias: parts[0]), kind.isWorkload || kind == .service || kind == .pod else {
                throw ValidationError("\"\(parts[0])\" is not a workload kind, Service or Pod; \(Self.forms)")
            }
            switch kind {
            case .pod: json = .object(["namespace": .string(namespace), "pod": .string(parts[1])])
            case .service: json = .object(["namespace": .string(namespace), "service": .string(parts[1])])
            default: json = .object(["namespace": .string(namespace), "workload": .string("\(kind.kind)/\(parts[1])")])
            }
            return
        }
        json = .object(["namespace": .string(namespace), "pod": .string(rest)])
    }

    static func labels(_ text: String) throws -> [String: String] {
        var labels: [String: String] = [:]
        for pair in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw ValidationError("\"\(pair)\" is not label=value; give labels as ns/key=value,key2=value2")
            }
            let key = String(pair[..<equals])
            let value = String(pair[pair.index(after: equals)...])
            guard !key.isEmpty else { throw ValidationError("a label in \"\(text)\" has no key; give labels as key=value") }
            guard labels[key] == nil else { throw ValidationError("the label \(key) is given twice") }
            labels[key] = value
        }
        return labels
    }
}
