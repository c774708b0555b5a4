/// Reads the parts of a Pod the evaluator uses; everything else is kept as given.
enum PodDecoder {
    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors) -> Pod {
        let labels = root.object("metadata")?.stringMap("labels") ?? [:]
        let namedPorts = root.object("spec").map { PodDecoder.namedPorts(in: $0, errors: errors) } ?? []
        var ips: [IPAddress] = []
        if let status = root.object("status") {
            if let text = status.string("podIP"), !text.isEmpty {
                if let address = IPAddress(text) {
                    ips.append(address)
                } else {
                    errors.add(.invalid(status.path("podIP"), "\"\(text)\": must be a valid IP address"))
                }
            }
            for entry in status.array("podIPs") ?? [] {
                guard let item = FieldReader(entry.value, at: entry.path, errors: errors) else { continue }
                guard let text = item.string("ip") else {
                    errors.add(.required(item.path("ip")))
                    continue
                }
                guard let address = IPAddress(text) else {
                    errors.add(.invalid(item.path("ip"), "\"\(text)\": must be a valid IP address"))
                    continue
                }
                if !ips.contains(address) { ips.append(address) }
            }
        }
        return Pod(
            namespace: key.namespace, name: key.name, labels: labels, ips: ips, namedPorts: namedPorts,
            owners: owners(root.object("metadata"), errors: errors))
    }

    /// The named container ports of a pod spec (a pod's, or a workload's template); other container
    /// fields are kept as given and not read.
    static func namedPorts(in spec: FieldReader, errors: FieldErrors) -> [Pod.NamedPort] {
        var namedPorts: [Pod.NamedPort] = []
        for container in spec.array("containers") ?? [] {
            guard let containerReader = FieldReader(container.value, at: container.path, errors: errors) else {
                continue
            }
            for entry in containerReader.array("ports") ?? [] {
                guard let port = FieldReader(entry.value, at: entry.path, errors: errors) else { continue }
                let number = port.integer("containerPort").flatMap { errors.port($0, at: port.path("containerPort")) }
                if number == nil, !port.has("containerPort") {
                    errors.add(.required(port.path("containerPort")))
                }
                let proto = port.transportProtocol()
                if let name = port.string("name") {
                    if let problem = NameRules.portNameProblem(name) {
                        errors.add(.invalid(port.path("name"), "\"\(name)\": \(problem)"))
                    } else if let number {
                        namedPorts.append(Pod.NamedPort(name: name, port: number, protocol: proto))
                    }
                }
            }
        }
        return namedPorts
    }

    /// `metadata.ownerReferences`: kind and name are required, the rest (uid, controller) is kept as given.
    static func owners(_ metadata: FieldReader?, errors: FieldErrors) -> [OwnerReference] {
        guard let metadata else { return [] }
        var owners: [OwnerReference] = []
        for entry in metadata.array("ownerReferences") ?? [] {
            guard let reference = FieldReader(entry.value, at: entry.path, errors: errors) else { continue }
            let kind = reference.string("kind")
            let name = reference.string("name")
            if kind == nil || kind?.isEmpty == true { errors.add(.required(reference.path("kind"))) }
            if name == nil || name?.isEmpty == true { errors.add(.required(reference.path("name"))) }
            guard let kind, let name, !kind.isEmpty, !name.isEmpty else { continue }
            owners.append(OwnerReference(apiVersion: reference.string("apiVersion") ?? "", kind: kind, name: name))
        }
        return owners
    }
}
