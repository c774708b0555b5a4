/// The directions a policy lists (`policyTypes` in Kubernetes, `types` in Calico), read the one way
/// both decoders share; each family then applies its own defaulting.
struct PolicyTypes {
    /// How many names were listed (strings only; other elements are reported as wrong types).
    var count: Int
    var ingress: Bool
    var egress: Bool

    /// The list in member `key`, or nil when it is absent. Each name must be `Ingress` or `Egress`,
    /// listed once; anything else is reported at its element.
    init?(_ reader: FieldReader, _ key: String) {
        guard let names = reader.strings(key) else { return nil }
        var seen: Set<String> = []
        for (position, name) in names.enumerated() {
            let path = "\(reader.path(key))[\(position)]"
            guard name == "Ingress" || name == "Egress" else {
                reader.errors.add(.notSupported(path, name, supported: ["Ingress", "Egress"]))
                continue
            }
            if !seen.insert(name).inserted { reader.errors.add(.duplicate(path, "Duplicate value: \"\(name)\"")) }
        }
        count = names.count
        ingress = seen.contains("Ingress")
        egress = seen.contains("Egress")
    }
}
