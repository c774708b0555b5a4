/// Converts a calicoctl 1.x `apiVersion: v1, kind: policy` document into the v3 GlobalNetworkPolicy
/// that Calico's own upgrade tool produces, reporting v1-specific problems at their v1 paths.
public enum CalicoV1Converter {
    /// Kind names calicoctl 1.x accepted for a policy.
    static let kindAliases: Set<String> = ["policy", "policies", "pol", "pols"]

    static func isV1Policy(apiVersion: String, kind: String) -> Bool {
        apiVersion == "v1" && kindAliases.contains(kind.lowercased())
    }

    static func convert(_ document: JSONValue, errors: FieldErrors) -> JSONValue {
        let root = FieldReader(document, at: "", errors: errors)
        root?.rejectUnknown(["apiVersion", "kind", "metadata", "spec"])
        var metadata: [String: JSONValue] = [:]
        if let meta = root?.object("metadata") {
            meta.rejectUnknown(["name", "annotations", "labels"] + ObjectDecoder.serverSetMetadata)
            if let name = meta.string("name") {
                metadata["name"] = .string(v3Name(name))
                if name.isEmpty || name.utf8.count > 128
                    || !name.utf8.allSatisfy({ byte in
                        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
                            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
                            || byte == UInt8(ascii: "-")
                    })
                {
                    errors.add(.invalid("metadata.name", "\"\(name)\": a v1 policy name is 1-128 characters of [a-zA-Z0-9_./-]"))
                }
            }
            if let annotations = meta.members["annotations"] { metadata["annotations"] = annotations }
            for field in ObjectDecoder.serverSetMetadata { if let value = meta.members[field] { metadata[field] = value } }
        }
        var spec: [String: JSONValue] = [:]
        if let reader = root?.object("spec") {
            reader.rejectUnknown(["order", "selector", "types", "ingress", "egress", "doNotTrack", "preDNAT"])
            if let order = reader.members["order"] { spec["order"] = order }
            if let text = reader.string("selector") { spec["selector"] = .string(rewriteSelector(text)) }
            for flag in ["doNotTrack", "preDNAT"] { if let value = reader.members[flag] { spec[flag] = value } }
            if let types = reader.strings("types") {
                spec["types"] = .array(
                    types.enumerated().map { position, type in
                        switch type {
                        case "ingress": return .string("Ingress")
                        case "egress": return .string("Egress")
                        default:
                            errors.add(.notSupported("spec.types[\(position)]", type, supported: ["ingress", "egress"]))
                            return .string(type)
                        }
                    })
            }
            for direction in ["ingress", "egress"] {
                guard let rules = reader.array(direction) else { continue }
                spec[direction] = .array(rules.map { convertRule($0.value, at: $0.path, errors: errors) })
            }
        }
        return .object([
            "apiVersion": .string("projectcalico.org/v3"), "kind": .string("GlobalNetworkPolicy"),
            "metadata": .object(metadata), "spec": .object(spec),
        ])
    }

    /// calicoctl 1.x selectors name the namespace `calico/k8s_ns`; v3 endpoints carry `projectcalico.org/namespace`.
    static func rewriteSelector(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let range = rest.firstRange(of: "calico/k8s_ns") {
            result += rest[..<range.lowerBound] + "projectcalico.org/namespace"
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// A v3 name for a v1 one: lower case with anything outside `[a-z0-9.-]` made `-`, plus a
    /// short hash when that changed the name, so two v1 names never collide.
    public static func v3Name(_ name: String) -> String {
        var converted = ""
        for scalar in name.lowercased().unicodeScalars {
            switch scalar {
            case "a"..."z", "0"..."9", "-", ".": converted.unicodeScalars.append(scalar)
            case "/": converted.append(".")
            default: converted.append("-")
            }
        }
        guard converted != name else { return name }
        var hash: UInt32 = 0x811C_9DC5
        for byte in name.utf8 { hash = (hash ^ UInt32(byte)) &* 0x0100_0193 }
        let hex = String(hash, radix: 16)
        return converted + "-" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    static func convertRule(_ value: JSONValue, at path: String, errors: FieldErrors) -> JSONValue {
        guard let rule = FieldReader(value, at: path, errors: errors) else { return .object([:]) }
        rule.rejectUnknown(["action", "ipVersion", "protocol", "notProtocol", "icmp", "notICMP", "source", "destination"])
        var converted: [String: JSONValue] = [:]
        let action = rule.string("action") ?? ""
        switch action {
        case "allow", "": converted["action"] = .string("Allow")
        case "deny": converted["action"] = .string("Deny")
        case "log": converted["action"] = .string("Log")
        case "pass", "next-tier": converted["action"] = .string("Pass")
        default:
            errors.add(.notSupported(rule.path("action"), action, supported: ["allow", "deny", "log", "pass"]))
            converted["action"] = .string("Allow")
        }
        for field in ["protocol", "notProtocol"] {
            guard let value = rule.members[field] else { continue }
            if case .string(let name) = value {
                let names = [
                    "tcp": "TCP", "udp": "UDP", "icmp": "ICMP", "icmpv6": "ICMPv6", "sctp": "SCTP", "udplite": "UDPLite",
                ]
                if let v3 = names[name.lowercased()] {
                    converted[field] = .string(v3)
                    continue
                }
            }
            converted[field] = value
        }
        for field in ["ipVersion", "icmp", "notICMP"] { if let value = rule.members[field] { converted[field] = value } }
        for side in ["source", "destination"] {
            guard let entity = rule.object(side) else { continue }
            entity.rejectUnknown([
                "tag", "notTag", "net", "notNet", "nets", "notNets", "selector", "notSelector", "ports", "notPorts",
            ])
            var out: [String: JSONValue] = [:]
            var nets: [JSONValue] = []
            var notNets: [JSONValue] = []
            if let net = entity.string("net") { nets.append(bareAddressAsCIDR(net, at: entity.path("net"), errors: errors)) }
            if let net = entity.string("notNet") {
                notNets.append(bareAddressAsCIDR(net, at: entity.path("notNet"), errors: errors))
            }
            if (entity.has("net") || entity.has("notNet")) && (entity.has("nets") || entity.has("notNets")) {
                errors.add(.invalid(entity.path, "a rule may use net/notNet or nets/notNets, not both"))
            }
            nets += (entity.strings("nets") ?? []).map { .string($0) }
            notNets += (entity.strings("notNets") ?? []).map { .string($0) }
            if !nets.isEmpty { out["nets"] = .array(nets) }
            if !notNets.isEmpty { out["notNets"] = .array(notNets) }
            var selectorParts: [String] = []
            if let selector = entity.string("selector") { selectorParts.append(rewriteSelector(selector)) }
            if let tag = entity.string("tag") { selectorParts.append("has(\(tag))") }
            if !selectorParts.isEmpty {
                out["selector"] = .string(
                    selectorParts.count == 1 ? selectorParts[0] : selectorParts.map { "(\($0))" }.joined(separator: " && "))
            }
            var notSelectorParts: [String] = []
            if let selector = entity.string("notSelector") { notSelectorParts.append(rewriteSelector(selector)) }
            if let tag = entity.string("notTag") { notSelectorParts.append("has(\(tag))") }
            if !notSelectorParts.isEmpty {
                out["notSelector"] = .string(
                    notSelectorParts.count == 1
                        ? notSelectorParts[0] : notSelectorParts.map { "(\($0))" }.joined(separator: " || "))
            }
            for field in ["ports", "notPorts"] { if let value = entity.members[field] { out[field] = value } }
            converted[side] = .object(out)
        }
        return .object(converted)
    }

    /// v1's `net` takes a bare address as a single-host block.
    static func bareAddressAsCIDR(_ text: String, at path: String, errors: FieldErrors) -> JSONValue {
        guard let cidr = CIDR(text, allowBareAddress: true) else {
            errors.add(.invalid(path, "\"\(text)\": must be an IP address or a CIDR"))
            return .string(text)
        }
        return .string(cidr.description)
    }
}
