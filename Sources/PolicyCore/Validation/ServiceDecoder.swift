/// Reads the parts of a Service decisions use (selector, ports and their target ports, type) and
/// checks them as the API server does; everything else (clusterIP, status, ...) is kept as given.
enum ServiceDecoder {
    static let types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]

    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors) -> Service {
        let spec = root.object("spec")
        var type = "ClusterIP"
        if let given = spec?.string("type") {
            if types.contains(given) {
                type = given
            } else {
                errors.add(.notSupported(spec!.path("type"), given, supported: types))
            }
        }
        var selector: [String: String]?
        if let spec, let given = spec.stringMap("selector") {
            NameRules.validateLabels(given, at: spec.path("selector"), errors: errors)
            selector = given.isEmpty ? nil : given
        }
        if type == "ExternalName", spec?.string("externalName")?.isEmpty ?? true {
            errors.add(.required((spec?.path("externalName")) ?? "spec.externalName"))
        }
        let entries = spec?.array("ports") ?? []
        let headless = spec?.members["clusterIP"]?.stringValue == "None"
        if entries.isEmpty, type != "ExternalName", !headless {
            errors.add(.required(spec?.path("ports") ?? "spec.ports"))
        }
        var ports: [Service.Port] = []
        var names: Set<String> = []
        var numbers: Set<String> = []
        for entry in entries {
            guard let reader = FieldReader(entry.value, at: entry.path, errors: errors) else { continue }
            let name = reader.string("name").flatMap { $0.isEmpty ? nil : $0 }
            if let name {
                if let problem = NameRules.dns1123LabelProblem(name) {
                    errors.add(.invalid(reader.path("name"), "\"\(name)\": \(problem)"))
                } else if !names.insert(name).inserted {
                    errors.add(.duplicate(reader.path("name"), "Duplicate value: \"\(name)\""))
                }
            } else if entries.count > 1 {
                errors.add(.required(reader.path("name")))
            }
            let number = reader.integer("port").flatMap { errors.port($0, at: reader.path("port")) }
            if !reader.has("port") { errors.add(.required(reader.path("port"))) }
            let proto = reader.transportProtocol()
            var target: Service.TargetPort?
            switch reader.members["targetPort"] {
            case nil, .null?: break
            case .string(let text)?:
                if let problem = NameRules.portNameProblem(text) {
                    errors.add(.invalid(reader.path("targetPort"), "\"\(text)\": \(problem)"))
                } else {
                    target = .name(text)
                }
            case let value?:
                if let integer = value.integerValue {
                    if let valid = errors.port(integer, at: reader.path("targetPort")) { target = .number(valid) }
                } else {
                    errors.add(.typeInvalid(reader.path("targetPort"), expected: "integer or string", got: value))
                }
            }
            guard let number else { continue }
            if !numbers.insert("\(number)/\(proto.rawValue)").inserted {
                errors.add(.duplicate(entry.path, "Duplicate value: \(number)/\(proto.rawValue)"))
            }
            ports.append(Service.Port(name: name, port: number, protocol: proto, targetPort: target))
        }
        return Service(namespace: key.namespace, name: key.name, selector: selector, type: type, ports: ports)
    }
}
