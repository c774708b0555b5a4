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
                    let number = port.integer("containerPort")
                    if let number, !(1...65535).contains(number) {
                        errors.add(.invalid(port.path("containerPort"), "\(number): must be between 1 and 65535, inclusive"))
                    } else if number == nil, !port.has("containerPort") {
                        errors.add(.required(port.path("containerPort")))
                    }
                    var proto = TransportProtocol.tcp
                    if let name = port.string("protocol") {
                        if let parsed = TransportProtocol(rawValue: name) {
                            proto = parsed
                        } else {
                            errors.add(.notSupported(port.path("protocol"), name, supported: ["SCTP", "TCP", "UDP"]))
                        }
                    }
                    if let name = port.string("name") {
                        if let problem = NameRules.portNameProblem(name) {
                            errors.add(.invalid(port.path("name"), "\"\(name)\": \(problem)"))
                        } else if let number, (1...65535).contains(number) {
                            namedPorts.append(Pod.NamedPort(name: name, port: Int(number), protocol: proto))
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
