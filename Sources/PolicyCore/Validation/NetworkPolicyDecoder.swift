/// Reads a Kubernetes NetworkPolicy strictly, as the API server validates and defaults it.
enum NetworkPolicyDecoder {
    /// The members of a NetworkPolicy spec.
    static let specFields = ["podSelector", "ingress", "egress", "policyTypes"]

    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors, body: inout JSONValue)
        -> NetworkPolicy
    {
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec", "status"])
        var spec = body["spec"]
        let policy = readSpec(&spec, namespace: key.namespace, name: key.name, errors: errors)
        body["spec"] = spec
        return policy
    }

    /// Reads and defaults the NetworkPolicy spec at `spec` (nil when the document has none).
    /// - Parameter extraFields: members the caller reads itself (a staged policy's `stagedAction`).
    static func readSpec(
        _ specValue: inout JSONValue?, namespace: String, name: String, extraFields: [String] = [], errors: FieldErrors
    ) -> NetworkPolicy {
        var policy = NetworkPolicy(namespace: namespace, name: name)
        guard var specJSON = specValue, let spec = FieldReader(specJSON, at: "spec", errors: errors) else {
            // A policy without a spec selects every pod for ingress and allows nothing.
            specValue = .object(["podSelector": .object([:]), "policyTypes": .array([.string("Ingress")])])
            return policy
        }
        spec.rejectUnknown(specFields + extraFields)
        policy.podSelector = LabelSelector.read(spec.members["podSelector"], at: "spec.podSelector", errors: errors)
        if spec.members["podSelector"]?.isNull ?? true { specJSON["podSelector"] = .object([:]) }

        policy.ingress = readRules(
            spec, direction: "ingress", peersKey: "from", namespace: namespace, errors: errors, spec: &specJSON)
        policy.egress = readRules(
            spec, direction: "egress", peersKey: "to", namespace: namespace, errors: errors, spec: &specJSON)

        if let types = PolicyTypes(spec, "policyTypes") {
            if types.count > 2 { errors.add(.invalid("spec.policyTypes", "may not specify more than two policyTypes")) }
            policy.appliesToIngress = types.ingress
            policy.appliesToEgress = types.egress
        } else {
            // The API server's defaulting: Ingress always, Egress when there is at least one egress rule.
            policy.appliesToIngress = true
            policy.appliesToEgress = !policy.egress.isEmpty
            var types: [JSONValue] = [.string("Ingress")]
            if policy.appliesToEgress { types.append(.string("Egress")) }
            specJSON["policyTypes"] = .array(types)
        }
        specValue = specJSON
        return policy
    }

    private static func readRules(
        _ spec: FieldReader, direction: String, peersKey: String, namespace: String, errors: FieldErrors,
        spec specJSON: inout JSONValue
    ) -> [NetworkPolicy.Rule] {
        guard let elements = spec.array(direction) else { return [] }
        var rules: [NetworkPolicy.Rule] = []
        var rulesJSON: [JSONValue] = []
        for element in elements {
            var ruleJSON = element.value
            guard let reader = FieldReader(element.value, at: element.path, errors: errors) else {
                // `- {}` written as `-` with nothing: an empty rule, which matches everything.
                rules.append(NetworkPolicy.Rule())
                rulesJSON.append(.object([:]))
                continue
            }
            reader.rejectUnknown([peersKey, "ports"])
            var rule = NetworkPolicy.Rule()
            for peer in reader.array(peersKey) ?? [] {
                if let parsed = readPeer(peer.value, at: peer.path, errors: errors) { rule.peers.append(parsed) }
            }
            if let ports = reader.array("ports") {
                var portsJSON: [JSONValue] = []
                for port in ports {
                    // A null entry reads as `{}` (every port of TCP), as the API server decodes it.
                    var portJSON = port.value.isNull ? JSONValue.object([:]) : port.value
                    if let parsed = readPort(port.value, at: port.path, errors: errors) {
                        rule.ports.append(parsed)
                        if portJSON["protocol"] == nil || portJSON["protocol"]!.isNull {
                            portJSON["protocol"] = .string("TCP")
                        }
                    }
                    portsJSON.append(portJSON)
                }
                ruleJSON["ports"] = .array(portsJSON)
            }
            rules.append(rule)
            rulesJSON.append(ruleJSON)
        }
        specJSON[direction] = .array(rulesJSON)
        return rules
    }

    private static func readPeer(_ value: JSONValue, at path: String, errors: FieldErrors) -> NetworkPolicy.Peer? {
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            errors.add(.required(path, "must specify a peer"))
            return nil
        }
        reader.rejectUnknown(["podSelector", "namespaceSelector", "ipBlock"])
        var peer = NetworkPolicy.Peer()
        if reader.has("podSelector") {
            peer.podSelector = LabelSelector.read(reader.members["podSelector"], at: reader.path("podSelector"), errors: errors)
        }
        if reader.has("namespaceSelector") {
            peer.namespaceSelector = LabelSelector.read(
                reader.members["namespaceSelector"], at: reader.path("namespaceSelector"), errors: errors)
        }
        if let block = reader.object("ipBlock") {
            block.rejectUnknown(["cidr", "except"])
            if let text = block.string("cidr") {
                if let cidr = CIDR(text) {
                    var except: [CIDR] = []
                    for (position, hole) in (block.strings("except") ?? []).enumerated() {
                        let holePath = "\(block.path("except"))[\(position)]"
                        guard let holeCIDR = CIDR(hole) else {
                            errors.add(.invalid(holePath, "\"\(hole)\": must be a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)"))
                            continue
                        }
                        // Kubernetes requires each hole to be a strict subset of the block.
                        if !cidr.contains(holeCIDR) || holeCIDR.prefixLength <= cidr.prefixLength {
                            errors.add(.invalid(holePath, "\"\(hole)\": must be a strict subset of `cidr` \(text)"))
                            continue
                        }
                        except.append(holeCIDR)
                    }
                    peer.ipBlock = NetworkPolicy.IPBlock(cidr: cidr, except: except)
                } else {
                    errors.add(.invalid(block.path("cidr"), "\"\(text)\": must be a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)"))
                }
            } else if !block.has("cidr") {
                errors.add(.required(block.path("cidr")))
            }
        }
        let selectorCount = (reader.has("podSelector") ? 1 : 0) + (reader.has("namespaceSelector") ? 1 : 0)
        if reader.has("ipBlock") && selectorCount > 0 {
            errors.add(.forbidden(path, "may not specify both ipBlock and another peer"))
            return nil
        }
        if !reader.has("ipBlock") && selectorCount == 0 {
            errors.add(.required(path, "must specify a peer"))
            return nil
        }
        return peer
    }

    private static func readPort(_ value: JSONValue, at path: String, errors: FieldErrors) -> NetworkPolicy.Port? {
        guard let reader = FieldReader(value, at: path, errors: errors) else {
            return NetworkPolicy.Port(protocol: .tcp, target: .any)
        }
        reader.rejectUnknown(["protocol", "port", "endPort"])
        let before = errors.causes.count
        let proto = reader.transportProtocol()
        var target = NetworkPolicy.Port.Target.any
        let endPort = reader.integer("endPort")
        switch reader.members["port"] {
        case nil, .null?:
            if endPort != nil {
                errors.add(.required(reader.path("port"), "must be specified when `endPort` is specified"))
            }
        case .string(let name)?:
            if let problem = NameRules.portNameProblem(name) {
                errors.add(.invalid(reader.path("port"), "\"\(name)\": \(problem)"))
            } else if endPort != nil {
                errors.add(.invalid(reader.path("endPort"), "may not be specified when `port` is non-numeric"))
            } else {
                target = .name(name)
            }
        case let other?:
            guard let number = other.integerValue else {
                errors.add(.typeInvalid(reader.path("port"), expected: "integer or string", got: other))
                break
            }
            guard let start = errors.port(number, at: reader.path("port")) else { break }
            var end = start
            if let endPort, let last = errors.port(endPort, at: reader.path("endPort")) {
                if last < start {
                    errors.add(.invalid(reader.path("endPort"), "\(endPort): must be greater than or equal to `port`"))
                } else {
                    end = last
                }
            }
            target = .number(start, endPort: end)
        }
        return errors.causes.count == before ? NetworkPolicy.Port(protocol: proto, target: target) : nil
    }
}
