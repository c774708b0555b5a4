/// Reads the parts of a Pod the evaluator uses; everything else is kept as given.
enum PodDecoder {
    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors) -> Pod {
        let labels = root.object("metadata")?.stringMap("labels") ?? [:]
        var namedPorts: [Pod.NamedPort] = []
        if let spec = root.object("spec") {
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
        }
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
        return Pod(namespace: key.namespace, name: key.name, labels: labels, ips: ips, namedPorts: namedPorts)
    }
}
