/// Reads the policies of Kubernetes' network-policy-api strictly, with the checks of their CRDs
/// (OpenAPI bounds and CEL rules): `ClusterNetworkPolicy` (v1alpha2, v0.2.0) and its predecessors
/// `AdminNetworkPolicy` and `BaselineAdminNetworkPolicy` (v1alpha1, v0.1.7).
enum ClusterNetworkPolicyDecoder {
    /// What differs between the three kinds.
    struct Dialect {
        var kind: ResourceKind
        /// The spec's members.
        var specFields: [String]
        /// At most this many rules per direction, peers per rule and port criteria per rule.
        var maxRules: Int
        var maxPeers: Int
        var maxPorts: Int
        /// `protocols` (v1alpha2) or `ports` (v1alpha1).
        var portsKey: String
        /// The action names, in the order they are listed when one is not supported.
        var actions: [(name: String, action: ClusterNetworkPolicy.Action)]
        /// The members of an egress peer (an ingress peer has `namespaces` and `pods` only).
        var egressPeers: [String]
        /// v1alpha1 requires `pods.namespaceSelector`; v1alpha2 reads its absence as every namespace.
        var requiresNamespaceSelector: Bool
        /// The CEL message for a named port in a rule with an address peer.
        var namedPortMessage: String

        init(_ kind: ResourceKind) {
            self.kind = kind
            switch kind {
            case .clusterNetworkPolicy:
                specFields = ["tier", "priority", "subject", "ingress", "egress"]
                (maxRules, maxPeers, maxPorts) = (25, 25, 25)
                portsKey = "protocols"
                actions = [("Accept", .accept), ("Deny", .deny), ("Pass", .pass)]
                egressPeers = ["namespaces", "pods", "networks", "nodes", "domainNames"]
                requiresNamespaceSelector = false
            case .adminNetworkPolicy:
                specFields = ["priority", "subject", "ingress", "egress"]
                (maxRules, maxPeers, maxPorts) = (100, 100, 100)
                portsKey = "ports"
                actions = [("Allow", .accept), ("Deny", .deny), ("Pass", .pass)]
                egressPeers = ["namespaces", "pods", "networks", "nodes", "domainNames"]
                requiresNamespaceSelector = true
            default:
                specFields = ["subject", "ingress", "egress"]
                (maxRules, maxPeers, maxPorts) = (100, 100, 100)
                portsKey = "ports"
                actions = [("Allow", .accept), ("Deny", .deny)]
                egressPeers = ["namespaces", "pods", "networks", "nodes"]
                requiresNamespaceSelector = true
            }
            let addressPeers = egressPeers.filter { $0 != "namespaces" && $0 != "pods" }.joined(separator: "/")
            namedPortMessage =
                "\(addressPeers) peer cannot be set with namedPorts since there are no namedPorts for \(addressPeers)"
        }

        /// The action `Accept` is called in this kind.
        var acceptName: String { actions[0].name }
    }

    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors, body: inout JSONValue)
        -> ClusterNetworkPolicy
    {
        let dialect = Dialect(key.kind)
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec", "status"])
        // Status (conditions the implementation reports) is kept as given and not read.
        _ = root.object("status")
        if key.kind == .baselineAdminNetworkPolicy, !key.name.isEmpty, key.name != "default" {
            errors.add(
                .invalid(
                    "metadata.name",
                    "\"\(key.name)\": Only one baseline admin network policy with metadata.name=\"default\" can be created in the cluster"
                ))
        }
        var policy = ClusterNetworkPolicy(
            kind: key.kind, name: key.name, level: key.kind == .baselineAdminNetworkPolicy ? .baseline : .admin,
            priority: nil, subject: .namespaces(.everything))
        guard let specValue = body["spec"] else {
            errors.add(.required("spec"))
            return policy
        }
        guard let spec = FieldReader(specValue, at: "spec", errors: errors) else { return policy }
        spec.rejectUnknown(dialect.specFields)

        if dialect.specFields.contains("tier") {
            if let name = spec.string("tier") {
                if let level = ClusterNetworkPolicy.Level(rawValue: name) {
                    policy.level = level
                } else {
                    errors.add(
                        .notSupported(spec.path("tier"), name, supported: ClusterNetworkPolicy.Level.allCases.map(\.rawValue)))
                }
            } else if !spec.has("tier") {
                errors.add(.required(spec.path("tier")))
            }
        }
        if dialect.specFields.contains("priority") {
            if let priority = spec.integer("priority") {
                if (0...1000).contains(priority) {
                    policy.priority = Int(priority)
                } else {
                    errors.add(.invalid(spec.path("priority"), "\(priority): must be between 0 and 1000, inclusive"))
                }
            } else if !spec.has("priority") {
                errors.add(.required(spec.path("priority")))
            }
        }
        if let subject = subject(spec, dialect: dialect, errors: errors) { policy.subject = subject }
        policy.ingress = rules(spec, egress: false, dialect: dialect, errors: errors)
        policy.egress = rules(spec, egress: true, dialect: dialect, errors: errors)
        if dialect.portsKey == "ports" { body["spec"] = defaultingProtocols(specValue) }
        return policy
    }

    // MARK: - Subject and peers

    private static func subject(_ spec: FieldReader, dialect: Dialect, errors: FieldErrors) -> ClusterNetworkPolicy.Subject? {
        guard spec.has("subject") else {
            errors.add(.required(spec.path("subject")))
            return nil
        }
        guard let reader = spec.object("subject") else { return nil }
        reader.rejectUnknown(["namespaces", "pods"])
        guard let choice = oneOf(reader, ["namespaces", "pods"]) else { return nil }
        switch choice {
        case "namespaces":
            return .namespaces(LabelSelector.read(reader.members["namespaces"], at: reader.path("namespaces"), errors: errors))
        case "pods":
            return pods(reader, dialect: dialect, errors: errors).map { .pods($0) }
        default: return nil
        }
    }

    /// The one member of `choices` an object sets; none, or more than one, is reported at the object.
    private static func oneOf(_ reader: FieldReader, _ choices: [String]) -> String? {
        let present = choices.filter { reader.has($0) }
        if present.count == 1 { return present[0] }
        let listed = choices.map { "`\($0)`" }
        let names = listed.dropLast().joined(separator: ", ") + " or " + listed.last!
        if present.isEmpty {
            reader.errors.add(.required(reader.path, "exactly one of \(names) is required"))
        } else {
            reader.errors.add(
                .forbidden(
                    reader.path,
                    "exactly one of \(names) may be specified, not " + present.map { "`\($0)`" }.joined(separator: " and ")))
        }
        return nil
    }

    private static func pods(_ parent: FieldReader, dialect: Dialect, errors: FieldErrors)
        -> ClusterNetworkPolicy.PodsSelection?
    {
        guard let reader = parent.object("pods") else { return nil }
        reader.rejectUnknown(["namespaceSelector", "podSelector"])
        if !reader.has("podSelector") { errors.add(.required(reader.path("podSelector"))) }
        if dialect.requiresNamespaceSelector && !reader.has("namespaceSelector") {
            errors.add(.required(reader.path("namespaceSelector"), "Required value (`{}` selects every namespace)"))
        }
        return ClusterNetworkPolicy.PodsSelection(
            namespaceSelector: LabelSelector.read(
                reader.members["namespaceSelector"], at: reader.path("namespaceSelector"), errors: errors),
            podSelector: LabelSelector.read(reader.members["podSelector"], at: reader.path("podSelector"), errors: errors))
    }

    private static func peer(
        _ element: (path: String, value: JSONValue), egress: Bool, dialect: Dialect, errors: FieldErrors
    ) -> ClusterNetworkPolicy.Peer? {
        guard let reader = FieldReader(element.value, at: element.path, errors: errors) else {
            if element.value.isNull { errors.add(.required(element.path, "must specify a peer")) }
            return nil
        }
        reader.rejectUnknown(dialect.egressPeers)
        var choices = ["namespaces", "pods"]
        if egress {
            choices = dialect.egressPeers
        } else {
            let egressOnly = dialect.egressPeers.filter { !choices.contains($0) && reader.has($0) }
            for key in egressOnly {
                errors.add(.forbidden(reader.path(key), "`\(key)` peers may only be used in egress rules"))
            }
            if !egressOnly.isEmpty && !choices.contains(where: reader.has) { return nil }
        }
        guard let choice = oneOf(reader, choices) else { return nil }
        switch choice {
        case "namespaces":
            return .namespaces(LabelSelector.read(reader.members["namespaces"], at: reader.path("namespaces"), errors: errors))
        case "pods":
            return pods(reader, dialect: dialect, errors: errors).map { .pods($0) }
        case "nodes":
            return .nodes(LabelSelector.read(reader.members["nodes"], at: reader.path("nodes"), errors: errors))
        case "networks":
            var networks: [CIDR] = []
            for (path, text) in uniqueStrings(reader, "networks") {
                guard text.utf8.count <= 43 else {
                    errors.add(.tooLong(path, limit: 43))
                    continue
                }
                guard let cidr = CIDR(text) else {
                    errors.add(.invalid(path, "\"\(text)\": Invalid CIDR format provided"))
                    continue
                }
                networks.append(cidr)
            }
            return .networks(networks)
        case "domainNames":
            var names: [String] = []
            for (path, text) in uniqueStrings(reader, "domainNames") {
                if let problem = NameRules.domainNameProblem(text) {
                    errors.add(.invalid(path, "\"\(text)\": \(problem)"))
                } else {
                    names.append(text)
                }
            }
            return .domainNames(names)
        default: return nil
        }
    }

    /// The strings of a peer's list (`networks`, `domainNames`: 1 to 25 items, a set), with their paths.
    private static func uniqueStrings(_ reader: FieldReader, _ key: String) -> [(String, String)] {
        var result: [(String, String)] = []
        var seen: Set<String> = []
        for element in list(reader, key, limit: 25, required: true) ?? [] {
            guard case .string(let text) = element.value else {
                reader.errors.add(.typeInvalid(element.path, expected: "string", got: element.value))
                continue
            }
            guard seen.insert(text).inserted else {
                reader.errors.add(.duplicate(element.path, "Duplicate value: \"\(text)\""))
                continue
            }
            result.append((element.path, text))
        }
        return result
    }

    /// The elements of a list member, which holds 1 to `limit` items; `required` lists must be present.
    private static func list(_ reader: FieldReader, _ key: String, limit: Int, required: Bool)
        -> [(path: String, value: JSONValue)]?
    {
        guard let elements = reader.array(key) else {
            if required && !reader.has(key) { reader.errors.add(.required(reader.path(key))) }
            return nil
        }
        if elements.isEmpty {
            reader.errors.add(
                required
                    ? .required(reader.path(key), "must have at least 1 item")
                    : .invalid(reader.path(key), "must have at least 1 item (omit the field to match every port)"))
        }
        if elements.count > limit { reader.errors.add(.tooMany(reader.path(key), elements.count, limit: limit)) }
        return elements
    }

    // MARK: - Rules

    private static func rules(_ spec: FieldReader, egress: Bool, dialect: Dialect, errors: FieldErrors)
        -> [ClusterNetworkPolicy.Rule]
    {
        let direction = egress ? "egress" : "ingress"
        guard let elements = spec.array(direction) else { return [] }
        if elements.count > dialect.maxRules {
            errors.add(.tooMany(spec.path(direction), elements.count, limit: dialect.maxRules))
        }
        return elements.compactMap { rule($0, egress: egress, dialect: dialect, errors: errors) }
    }

    private static func rule(
        _ element: (path: String, value: JSONValue), egress: Bool, dialect: Dialect, errors: FieldErrors
    ) -> ClusterNetworkPolicy.Rule? {
        guard let reader = FieldReader(element.value, at: element.path, errors: errors) else {
            if element.value.isNull { errors.add(.required(element.path + ".action")) }
            return nil
        }
        let peersKey = egress ? "to" : "from"
        reader.rejectUnknown(["name", "action", peersKey, dialect.portsKey])
        var name: String?
        if let given = reader.string("name"), !given.isEmpty {
            if given.unicodeScalars.count > 100 { errors.add(.tooLong(reader.path("name"), limit: 100)) }
            name = given
        }
        var action: ClusterNetworkPolicy.Action?
        if let given = reader.string("action") {
            action = dialect.actions.first { $0.name == given }?.action
            if action == nil {
                errors.add(.notSupported(reader.path("action"), given, supported: dialect.actions.map(\.name)))
            }
        } else if !reader.has("action") {
            errors.add(.required(reader.path("action")))
        }

        var peers: [ClusterNetworkPolicy.Peer] = []
        var addressPeer = false
        for element in list(reader, peersKey, limit: dialect.maxPeers, required: true) ?? [] {
            guard let peer = peer(element, egress: egress, dialect: dialect, errors: errors) else { continue }
            switch peer {
            case .networks, .nodes: addressPeer = true
            case .domainNames:
                addressPeer = true
                if let action, action != .accept {
                    errors.add(
                        .forbidden(
                            element.path + ".domainNames",
                            "domainNames peers are only supported in \(dialect.acceptName) rules (follow them with a "
                                + "lower-precedence Deny rule to allow only the names listed)"))
                }
            case .namespaces, .pods: break
            }
            peers.append(peer)
        }

        let ports =
            dialect.portsKey == "protocols"
            ? protocols(reader, dialect: dialect, errors: errors) : v1alpha1Ports(reader, dialect: dialect, errors: errors)
        if egress && addressPeer && ports.contains(where: { if case .named = $0 { true } else { false } }) {
            errors.add(.invalid(element.path, dialect.namedPortMessage))
        }
        guard let action else { return nil }
        return ClusterNetworkPolicy.Rule(name: name, action: action, peers: peers, ports: ports)
    }

    // MARK: - Ports

    /// v1alpha2 `protocols`: each entry one of `tcp`, `udp`, `sctp` (a destination port or range) or
    /// `destinationNamedPort`.
    private static func protocols(_ rule: FieldReader, dialect: Dialect, errors: FieldErrors) -> [ClusterNetworkPolicy.Port] {
        var ports: [ClusterNetworkPolicy.Port] = []
        for element in list(rule, "protocols", limit: dialect.maxPorts, required: false) ?? [] {
            guard let entry = FieldReader(element.value, at: element.path, errors: errors) else {
                if element.value.isNull { errors.add(.required(element.path, "must specify a protocol")) }
                continue
            }
            let choices = ["tcp", "udp", "sctp", "destinationNamedPort"]
            entry.rejectUnknown(choices)
            guard let choice = oneOf(entry, choices) else { continue }
            let port =
                choice == "destinationNamedPort"
                ? namedPort(entry, choice) : TransportProtocol(name: choice).flatMap { destinationPort(entry, choice, $0) }
            if let port { ports.append(port) }
        }
        return ports
    }

    /// The `destinationPort` of a `tcp`, `udp` or `sctp` entry: one `number`, or a `range` whose
    /// start is less than its end.
    private static func destinationPort(_ entry: FieldReader, _ key: String, _ proto: TransportProtocol)
        -> ClusterNetworkPolicy.Port?
    {
        guard let match = entry.object(key) else { return nil }
        match.rejectUnknown(["destinationPort"])
        guard match.has("destinationPort") else {
            entry.errors.add(.required(match.path("destinationPort")))
            return nil
        }
        guard let port = match.object("destinationPort") else { return nil }
        port.rejectUnknown(["number", "range"])
        guard let criterion = oneOf(port, ["number", "range"]) else { return nil }
        if criterion == "number" {
            guard let number = port.integer("number"), let valid = port.errors.port(number, at: port.path("number")) else {
                return nil
            }
            return .range(proto, valid, valid)
        }
        guard let range = port.object("range") else { return nil }
        range.rejectUnknown(["start", "end"])
        guard let (start, end) = bounds(range, "start", "end") else { return nil }
        guard start < end else {
            range.errors.add(.invalid(range.path, "Start port must be less than End port"))
            return nil
        }
        return .range(proto, start, end)
    }

    /// v1alpha1 `ports`: each entry one of `portNumber`, `namedPort` or `portRange`; `protocol`
    /// defaults to TCP.
    private static func v1alpha1Ports(_ rule: FieldReader, dialect: Dialect, errors: FieldErrors)
        -> [ClusterNetworkPolicy.Port]
    {
        var ports: [ClusterNetworkPolicy.Port] = []
        for element in list(rule, "ports", limit: dialect.maxPorts, required: false) ?? [] {
            guard let entry = FieldReader(element.value, at: element.path, errors: errors) else {
                if element.value.isNull { errors.add(.required(element.path, "must specify a port")) }
                continue
            }
            let choices = ["portNumber", "namedPort", "portRange"]
            entry.rejectUnknown(choices)
            guard let choice = oneOf(entry, choices) else { continue }
            switch choice {
            case "namedPort":
                if let port = namedPort(entry, "namedPort") { ports.append(port) }
            case "portNumber":
                guard let port = entry.object("portNumber") else { continue }
                port.rejectUnknown(["protocol", "port"])
                let proto = port.transportProtocol()
                if let number = port.integer("port") {
                    if let valid = errors.port(number, at: port.path("port")) { ports.append(.range(proto, valid, valid)) }
                } else if !port.has("port") {
                    errors.add(.required(port.path("port")))
                }
            case "portRange":
                guard let range = entry.object("portRange") else { continue }
                range.rejectUnknown(["protocol", "start", "end"])
                let proto = range.transportProtocol()
                guard let (start, end) = bounds(range, "start", "end") else { continue }
                // The API documents start < end without checking it; a range that ends before it
                // starts matches nothing and is refused, a single port (start == end) is kept.
                if start <= end {
                    ports.append(.range(proto, start, end))
                } else {
                    errors.add(.invalid(range.path("end"), "\(end): must be greater than or equal to `start` (\(start))"))
                }
            default: continue
            }
        }
        return ports
    }

    /// Two required port numbers.
    private static func bounds(_ reader: FieldReader, _ low: String, _ high: String) -> (Int, Int)? {
        var values: [Int] = []
        for key in [low, high] {
            if let number = reader.integer(key) {
                if let valid = reader.errors.port(number, at: reader.path(key)) { values.append(valid) }
            } else if !reader.has(key) {
                reader.errors.add(.required(reader.path(key)))
            }
        }
        return values.count == 2 ? (values[0], values[1]) : nil
    }

    private static func namedPort(_ reader: FieldReader, _ key: String) -> ClusterNetworkPolicy.Port? {
        guard let name = reader.string(key) else { return nil }
        if let problem = NameRules.portNameProblem(name) {
            reader.errors.add(.invalid(reader.path(key), "\"\(name)\": \(problem)"))
            return nil
        }
        return .named(name)
    }

    /// The v1alpha1 spec with the CRD's default written in: `protocol: TCP` in each `portNumber` and
    /// `portRange` that names none.
    private static func defaultingProtocols(_ spec: JSONValue) -> JSONValue {
        var spec = spec
        for direction in ["ingress", "egress"] {
            guard var rules = spec[direction]?.arrayValue else { continue }
            for index in rules.indices {
                guard var ports = rules[index]["ports"]?.arrayValue else { continue }
                for position in ports.indices {
                    for key in ["portNumber", "portRange"] {
                        guard case .object(var match)? = ports[position][key], match["protocol"] == nil else { continue }
                        match["protocol"] = .string("TCP")
                        ports[position][key] = .object(match)
                    }
                }
                rules[index]["ports"] = .array(ports)
            }
            spec[direction] = .array(rules)
        }
        return spec
    }
}
