/// Reads a Kubernetes Node: its labels (from the metadata) and the IP addresses of
/// `status.addresses`, which `nodes` peers match. The rest of `spec` and `status` (podCIDR, taints,
/// capacity, conditions, nodeInfo, images, ...) is kept as given and not read, since
/// `kubectl get nodes -o yaml` carries all of it.
enum NodeDecoder {
    /// The address types that hold an IP address; others (`Hostname`, `InternalDNS`, `ExternalDNS`)
    /// hold names and are left out.
    static let addressTypes: Set<String> = ["InternalIP", "ExternalIP"]

    static func read(_ root: FieldReader, key: ObjectKey, errors: FieldErrors) -> ClusterNode {
        root.rejectUnknown(["apiVersion", "kind", "metadata", "spec", "status"])
        _ = root.object("spec")
        // The metadata was checked already; this reader reports nothing twice.
        let labels = FieldReader(root.members["metadata"], at: "metadata", errors: FieldErrors())?.stringMap("labels") ?? [:]
        var addresses: [IPAddress] = []
        for entry in root.object("status")?.array("addresses") ?? [] {
            guard let item = FieldReader(entry.value, at: entry.path, errors: errors) else { continue }
            guard let type = item.string("type"), addressTypes.contains(type) else { continue }
            guard let text = item.string("address") else {
                if !item.has("address") { errors.add(.required(item.path("address"))) }
                continue
            }
            guard let address = IPAddress(text) else {
                errors.add(.invalid(item.path("address"), "\"\(text)\": an \(type) address must be a valid IP address"))
                continue
            }
            if !addresses.contains(address) { addresses.append(address) }
        }
        return ClusterNode(name: key.name, labels: labels, addresses: addresses)
    }
}
