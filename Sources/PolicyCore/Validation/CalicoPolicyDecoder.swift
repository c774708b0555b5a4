/// Reads Calico v3 policies strictly, with calicoctl's validation rules and `types` defaulting.
enum CalicoPolicyDecoder {
    /// The members of a namespaced NetworkPolicy spec.
    static let specFields = [
        "order", "selector", "types", "ingress", "egress", "tier", "serviceAccountSelector", "performanceHints",
    ]
    /// The members only a GlobalNetworkPolicy spec has.
    static let globalSpecFields = ["namespaceSelector", "doNotTrack", "preDNAT", "applyOnForward"]

    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors, body: inout JSONValue) -> CalicoPolicy {
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec"])
        var spec = body["spec"]
        let policy = readSpec(
            &spec, global: key.kind == .globalNetworkPolicy, namespace: key.namespace, name: key.name, errors: errors)
        body["spec"] = spec
        return policy
    }

    /// Reads and defaults the spec at `spec` (nil when the document has none) of a GlobalNetworkPolicy
    /// (`global`) or a namespaced NetworkPolicy.
    /// - Parameter extraFields: members the caller reads itself (a staged policy's `stagedAction`).
    static func readSpec(
        _ specValue: inout JSONValue?, global: Bool, namespace: String, name: String, extraFields: [String] = [],
        errors: FieldErrors
    ) -> CalicoPolicy {
        var policy = CalicoPolicy(namespace: global ? nil : namespace, name: name)
        guard var specJSON = specValue, let spec = FieldReader(specJSON, at: "spec", errors: errors) else {
            specValue = .object(["types": .array([.string("Ingress")])])
            return policy
        }
        spec.rejectUnknown(specFields + (global ? globalSpecFields : []) + extraFields)
        policy.tier = tier(spec, errors: errors)
        if spec.has("serviceAccountSelector") {
            errors.add(
                FieldError(
                    field: "spec.serviceAccountSelector", reason: "FieldValueNotSupported",
                    message: "service-account selectors are not supported yet"))
        }
        for flag in ["doNotTrack", "preDNAT"] where spec.members[flag]?.boolValue == true {
            errors.add(
                FieldError(
                    field: "spec.\(flag)", reason: "FieldValueNotSupported",
                    message: "\(flag) applies to host endpoints, which netpold does not model"))
        }
        policy.order = spec.number("order")
        policy.selector = selector(spec, "selector", errors: errors) ?? .all
        if global { policy.namespaceSelector = selector(spec, "namespaceSelector", errors: errors) }

        policy.ingress = rules(spec, "ingress", errors: errors)
        policy.egress = rules(spec, "egress", errors: errors)

        if let types = PolicyTypes(spec, "types") {
            // An empty list is read as both directions, as felix does.
            policy.appliesToIngress = types.count == 0 || types.ingress
            policy.appliesToEgress = types.count == 0 || types.egress
        } else {
            // calicoctl's defaulting: egress rules only → Egress; both → both; otherwise Ingress.
            let hasEgress = !policy.egress.isEmpty
            let hasIngress = !policy.ingress.isEmpty
            policy.appliesToEgress = hasEgress
            policy.appliesToIngress = hasIngress || !hasEgress
            var types: [JSONValue] = []
            if policy.appliesToIngress { types.append(.string("Ingress")) }
            if policy.appliesToEgress { types.append(.string("Egress")) }
            specJSON["types"] = .array(types)
        }
        specValue = specJSON
        return policy
    }

    /// The tier `spec.tier` names: ``PolicyTier/defaultName`` when absent or empty (as Calico reads
    /// it), otherwise a tier name. Whether the tier exists is for the store to check. The policy's
    /// name is not checked against it: Calico 3.31 and earlier required `<tier>.<name>` names in
    /// other tiers, 3.32 does not, and both are accepted.
    static func tier(_ spec: FieldReader, errors: FieldErrors) -> String {
        guard let name = spec.string("tier"), !name.isEmpty else { return PolicyTier.defaultName }
        if let problem = NameRules.tierNameProblem(name) {
            errors.add(.invalid(spec.path("tier"), "\"\(name)\": not a tier name: \(problem)"))
        }
        return name
    }

    static func selector(_ reader: FieldReader, _ key: String, errors: FieldErrors) -> CalicoSelector? {
        guard let text = reader.string(key) else { return nil }
        do {
            return try CalicoSelector(parsing: text)
        } catch {
            errors.add(.invalid(reader.path(key), "\"\(text)\": invalid selector: \(error)"))
            return nil
        }
    }

    static func protocolNumber(_ value: JSONValue, at path: String, errors: FieldErrors) -> UInt8? {
        switch value {
        case .string(let name):
            if let number = CalicoPolicy.protocolNumbers[name] { return number }
            if let number = UInt8(name), number >= 1 { return number }
            errors.add(.notSupported(path, name, supported: ["TCP", "UDP", "ICMP", "ICMPv6", "SCTP", "UDPLite", "1-255"]))
        default:
            if let number = value.integerValue, (1...255).contains(number) { return UInt8(number) }
            errors.add(.invalid(path, "must be a protocol name or a number from 1 to 255"))
        }
        return nil
    }

    static func rules(_ spec: FieldReader, _ direction: String, errors: FieldErrors) -> [CalicoPolicy.Rule] {
        var rules: [CalicoPolicy.Rule] = []
        for element in spec.array(direction) ?? [] {
            guard let reader = FieldReader(element.value, at: element.path, errors: errors) else {
                errors.add(.required(element.path + ".action"))
                continue
            }
            reader.rejectUnknown([
                "action", "protocol", "notProtocol", "ipVersion", "icmp", "notICMP", "source", "destination", "http", "metadata",
            ])
            guard let actionName = reader.string("action") else {
                errors.add(.required(reader.path("action")))
                continue
            }
            guard let action = CalicoPolicy.Action(rawValue: actionName) else {
                errors.add(
                    .notSupported(reader.path("action"), actionName, supported: CalicoPolicy.Action.allCases.map(\.rawValue)))
                continue
            }
            var rule = CalicoPolicy.Rule(action: action)
            if let value = reader.members["protocol"], !value.isNull {
                rule.protocol = protocolNumber(value, at: reader.path("protocol"), errors: errors)
            }
            if let value = reader.members["notProtocol"], !value.isNull {
                rule.notProtocol = protocolNumber(value, at: reader.path("notProtocol"), errors: errors)
            }
            if let version = reader.integer("ipVersion") {
                if version == 4 || version == 6 {
                    rule.ipVersion = Int(version)
                } else {
                    errors.add(.notSupported(reader.path("ipVersion"), String(version), supported: ["4", "6"]))
                }
            }
            if reader.has("icmp") {
                rule.hasICMP = true
                if rule.protocol != 1 && rule.protocol != 58 {
                    errors.add(.invalid(reader.path("icmp"), "needs protocol ICMP or ICMPv6"))
                }
            }
            if reader.has("http") {
                errors.add(
                    FieldError(
                        field: reader.path("http"), reason: "FieldValueNotSupported",
                        message: "HTTP (layer 7) rules are not supported"))
            }
            rule.source = entity(reader, "source", rule: rule, errors: errors)
            rule.destination = entity(reader, "destination", rule: rule, errors: errors)
            let families = Set(
                (rule.source.nets + rule.source.notNets + rule.destination.nets + rule.destination.notNets).map(\.network.isIPv4))
            if families.count > 1 {
                errors.add(.invalid(element.path, "rule mixes IPv4 and IPv6 CIDRs"))
            } else if let ipv4 = families.first, let version = rule.ipVersion, (version == 4) != ipv4 {
                errors.add(.invalid(reader.path("ipVersion"), "ipVersion \(version) does not match the rule's CIDRs"))
            }
            rules.append(rule)
        }
        return rules
    }

    static func entity(_ rule: FieldReader, _ key: String, rule parsed: CalicoPolicy.Rule, errors: FieldErrors)
        -> CalicoPolicy.EntityRule
    {
        var entity = CalicoPolicy.EntityRule()
        guard let reader = rule.object(key) else { return entity }
        reader.rejectUnknown([
            "nets", "notNets", "selector", "notSelector", "namespaceSelector", "ports", "notPorts", "serviceAccounts", "services",
        ])
        for field in ["serviceAccounts", "services"] where reader.has(field) {
            errors.add(
                FieldError(
                    field: reader.path(field), reason: "FieldValueNotSupported", message: "\(field) matches are not supported yet"
                ))
        }
        entity.nets = cidrs(reader, "nets", errors: errors)
        entity.notNets = cidrs(reader, "notNets", errors: errors)
        entity.selector = selector(reader, "selector", errors: errors)
        entity.notSelector = selector(reader, "notSelector", errors: errors)
        entity.namespaceSelector = selector(reader, "namespaceSelector", errors: errors)
        entity.ports = ports(reader, "ports", rule: parsed, errors: errors)
        entity.notPorts = ports(reader, "notPorts", rule: parsed, errors: errors)
        return entity
    }

    static func cidrs(_ reader: FieldReader, _ key: String, errors: FieldErrors) -> [CIDR] {
        var result: [CIDR] = []
        for (position, text) in (reader.strings(key) ?? []).enumerated() {
            guard let cidr = CIDR(text) else {
                errors.add(
                    .invalid(
                        "\(reader.path(key))[\(position)]",
                        "\"\(text)\": invalid CIDR (write 10.0.0.0/8, or 10.0.0.1/32 for one address)"))
                continue
            }
            result.append(cidr)
        }
        return result
    }

    static func ports(_ reader: FieldReader, _ key: String, rule: CalicoPolicy.Rule, errors: FieldErrors) -> [CalicoPolicy
        .PortEntry]
    {
        guard let elements = reader.array(key) else { return [] }
        var entries: [CalicoPolicy.PortEntry] = []
        for element in elements {
            switch element.value {
            case .string(let text):
                if let colon = text.firstIndex(of: ":") {
                    let low = Int(text[..<colon])
                    let high = Int(text[text.index(after: colon)...])
                    guard let low, let high, PortNumber.isValid(low), PortNumber.isValid(high), low <= high else {
                        errors.add(.invalid(element.path, "\"\(text)\": a range is \"min:max\" with 1 <= min <= max <= 65535"))
                        continue
                    }
                    entries.append(.range(low, high))
                } else if let number = Int(text) {
                    guard let port = errors.port(number, at: element.path) else { continue }
                    entries.append(.range(port, port))
                } else if let problem = NameRules.portNameProblem(text) {
                    errors.add(.invalid(element.path, "\"\(text)\": not a port, range or port name: \(problem)"))
                } else {
                    entries.append(.named(text))
                }
            default:
                guard let number = element.value.integerValue, PortNumber.isValid(number) else {
                    errors.add(.invalid(element.path, "must be a port number 1-65535, a \"min:max\" range or a port name"))
                    continue
                }
                entries.append(.range(Int(number), Int(number)))
            }
        }
        let allNamed = entries.allSatisfy { if case .named = $0 { true } else { false } }
        switch rule.protocol {
        case nil:
            // Calico v3.32+: without a protocol only named ports may be listed.
            if !entries.isEmpty && !allNamed {
                errors.add(
                    .invalid(
                        reader.path(key),
                        "numeric ports need protocol TCP, UDP or SCTP (only named ports may be listed without a protocol)"))
            }
        case 6?, 17?, 132?, 136?: break
        default:
            if !entries.isEmpty {
                errors.add(.invalid(reader.path(key), "protocol does not support ports (use TCP, UDP or SCTP)"))
            }
        }
        return entries
    }
}
