import ArgumentParser
import PolicyCore

/// What `--from` and `--to` accept, turned into the endpoint object `/v1/decide` takes.
struct EndpointArgument {
    let text: String
    let json: JSONValue

    static let forms = "give ns/pod, ns/label=value,... (a hypothetical pod) or one IP address"

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
        guard !rest.isEmpty, !rest.contains("/") else { throw ValidationError(Self.forms) }
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
