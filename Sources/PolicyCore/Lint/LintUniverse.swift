import Synchronization

/// What findings are judged against: the pod classes of a ``ConnectivityIndex`` (a representative
/// answers for every pod of its class, as in set answers), the pod templates of stored workloads
/// that have no pods yet, and the pieces of address space outside pods.
///
/// Templates are in because netpold answers for them (`decide` about a workload without pods uses
/// its template): manifests imported before anything is deployed must not read as policies that
/// select nothing. A class: the linter's closures capture it by one reference.
final class LintUniverse: Sendable {
    let set: CompiledPolicySet
    let index: ConnectivityIndex
    /// Index classes first (``Party/element`` numbers them), then templates (element -1).
    let parties: [Party]
    let classCount: Int
    /// Per party: the pods it stands for (a template: 1) and the first one's name (a template:
    /// `ns/name[Kind]`), for messages.
    let weights: [Int]
    let names: [String]
    /// Party positions per namespace.
    let byNamespace: [String: [Int]]
    /// Every distinct rule table of a party, per direction, with the parties that have it.
    let tables: [Table]
    /// The parties that declare a port name (under any protocol).
    let byPortName: [String: [Int]]

    struct Subject: Hashable {
        let policy: ObjectIdentifier
        let egress: Bool
    }

    struct Table {
        let table: RuleTable
        let egress: Bool
        var parties: [Int]
    }

    init(_ set: CompiledPolicySet, index: ConnectivityIndex) {
        self.set = set
        self.index = index
        var parties = index.classes.map(\.party)
        let classFacts = index.lineage.lintClasses.withLock { kept in
            if let kept { return kept }
            let made = ClassFacts(index)
            kept = made
            return made
        }
        var weights = classFacts.weights
        var names = classFacts.names
        classCount = parties.count
        // Workloads without pods, and not owned by a stored workload (which stands for them), as
        // `decide` and Service backends take them; one party per distinct template.
        var seen: Set<TemplateShape> = []
        var templates: [Workload] = []
        set.workloads.forEach { key, workload in
            let ownedByStored = workload.owners.contains { owner in
                owner.key(namespace: key.namespace).map { set.workloads[$0] != nil } ?? false
            }
            if ownedByStored || !set.ownedPods(key).isEmpty { return }
            templates.append(workload)
        }
        templates.sort { $0.key < $1.key }
        // Walks are remembered by the destination's named ports: a list no pod has gets an id of its
        // own (the index gives every unseen list the same one).
        // Only when there are templates (most stores have none): hashing every class's list was a
        // fifth of linting one policy write at 100,000 pods.
        let known = templates.isEmpty ? [] : Set(index.classes.map { $0.party.view.pod?.namedPorts ?? [] })
        var unseen: [[Pod.NamedPort]: Int32] = [:]
        for workload in templates {
            let shape = TemplateShape(
                namespace: workload.namespace, labels: workload.templateLabels, namedPorts: workload.namedPorts)
            guard seen.insert(shape).inserted else { continue }
            let resolved = set.hypothetical(
                namespace: workload.namespace, labels: workload.templateLabels,
                namespaceLabels: set.namespaces[workload.namespace]?.labels ?? [Namespace.nameLabel: workload.namespace],
                ip: nil, namedPorts: workload.namedPorts)
            let portsID =
                known.contains(workload.namedPorts)
                ? index.portsID(of: workload.namedPorts)
                : unseen[workload.namedPorts]
                    ?? {
                        let made = Int32(1 << 30) + Int32(unseen.count)
                        unseen[workload.namedPorts] = made
                        return made
                    }()
            parties.append(Party(view: resolved.view, pod: resolved.pod, portsID: portsID))
            weights.append(1)
            names.append(workload.displayName)
        }
        self.parties = parties
        self.weights = weights
        self.names = names

        var byNamespace = classFacts.byNamespace
        var byPortName = classFacts.byPortName
        var tables: [Table] = []
        var tableSlot: [ObjectIdentifier: Int] = [:]
        // By position, not `enumerated()`: that copies each party (and retains what it holds).
        for position in parties.indices {
            guard let pod = parties[position].pod else { continue }
            if position >= classCount {
                byNamespace[pod.facts.namespace, default: []].append(position)
                for name in Set(pod.facts.namedPorts.map(\.name)) { byPortName[name, default: []].append(position) }
            }
            // A table belongs to one direction, so its identity alone finds its slot.
            for (table, egress) in [(pod.ingressTable, false), (pod.egressTable, true)] where !table.policies.isEmpty {
                if let slot = tableSlot[ObjectIdentifier(table)] {
                    tables[slot].parties.append(position)
                } else {
                    tableSlot[ObjectIdentifier(table)] = tables.count
                    tables.append(Table(table: table, egress: egress, parties: [position]))
                }
            }
        }
        self.byNamespace = byNamespace
        self.byPortName = byPortName
        self.tables = tables
    }

    /// Per class of an index: its pods, its first pod's name, and the classes by namespace and by
    /// declared port name. The same for every index of a lineage, so made once for all of them.
    struct ClassFacts: Sendable {
        let weights: [Int]
        let names: [String]
        let byNamespace: [String: [Int]]
        let byPortName: [String: [Int]]

        init(_ index: ConnectivityIndex) {
            weights = index.classes.map(\.members.count)
            names = index.classes.map { "\($0.members[0].namespace)/\($0.members[0].name)" }
            var byNamespace: [String: [Int]] = [:]
            var byPortName: [String: [Int]] = [:]
            for (position, item) in index.classes.enumerated() {
                guard let pod = item.party.pod else { continue }
                byNamespace[pod.facts.namespace, default: []].append(position)
                for name in Set(pod.facts.namedPorts.map(\.name)) { byPortName[name, default: []].append(position) }
            }
            self.byNamespace = byNamespace
            self.byPortName = byPortName
        }
    }

    /// The parties whose rule table applies each of the policies, per direction.
    func subjects(of policies: Set<ObjectIdentifier>) -> [Subject: [Int]] {
        var subjects: [Subject: [Int]] = [:]
        for entry in tables {
            for policy in entry.table.policies where policies.contains(ObjectIdentifier(policy)) {
                subjects[Subject(policy: ObjectIdentifier(policy), egress: entry.egress), default: []] += entry.parties
            }
        }
        for key in subjects.keys { subjects[key]?.sort() }
        return subjects
    }

    private struct TemplateShape: Hashable {
        let namespace: String
        let labels: [String: String]
        let namedPorts: [Pod.NamedPort]
    }

    func facts(_ position: Int) -> PodFacts { parties[position].pod!.facts }

    /// Namespaces (stored) whose labels a Kubernetes namespaceSelector matches, sorted.
    func namespaces(matching selector: LabelSelector) -> [String] {
        set.namespaces.values.filter { selector.matches($0.labels) }.map(\.name).sorted()
    }

    /// Namespaces (stored) whose inherited Calico labels (`pcns.*`) a scope selector matches, sorted.
    func namespaces(matchingScope scope: CalicoSelector) -> [String] {
        set.namespaces.values.filter { namespace in
            let inherited =
                set.inheritedLabels[namespace.name]
                ?? PodFacts.inheritedLabels(namespace: namespace.name, namespaceLabels: namespace.labels)
            return scope.matches(inherited)
        }
        .map(\.name).sorted()
    }

    /// The first party in the namespaces (nil: all) that passes the test.
    func first(in namespaces: [String]?, where test: (PodFacts) -> Bool) -> Int? {
        if let namespaces {
            for namespace in namespaces {
                for position in byNamespace[namespace] ?? [] where test(facts(position)) { return position }
            }
            return nil
        }
        return parties.indices.first { test(facts($0)) }
    }
}

/// Every stored pod address, sorted, so an address block finds its pods by binary search. Made
/// only when a policy linted has an address block: a write of other policies does not sort 100,000
/// addresses. Answers are remembered by block: one CIDR is often written in many policies.
final class PodAddresses {
    private let addresses: [(value: UInt128, address: IPAddress, pod: ObjectKey)]
    private var answers: [NetworkPolicy.IPBlock: (count: Int, first: [ObjectKey])] = [:]

    init(_ set: CompiledPolicySet) {
        var addresses: [(value: UInt128, address: IPAddress, pod: ObjectKey)] = []
        set.pods.forEach { key, pod in
            for address in pod.facts.ips { addresses.append((AddressRange.value(address), address, key)) }
        }
        addresses.sort { ($0.address.isIPv4 ? 0 : 1, $0.value, $0.pod) < ($1.address.isIPv4 ? 0 : 1, $1.value, $1.pod) }
        self.addresses = addresses
    }

    /// How many stored pods have an address in the block (less its excepts), and the first few, in address order.
    func pods(in block: NetworkPolicy.IPBlock, listing limit: Int) -> (count: Int, first: [ObjectKey]) {
        if let found = answers[block] { return found }
        let range = AddressRange(block.cidr)
        // The first address at or after the range's start.
        var low = 0
        var high = addresses.count
        while low < high {
            let middle = (low + high) / 2
            let item = addresses[middle]
            if (item.address.isIPv4 ? 0 : 1, item.value) < (range.isIPv4 ? 0 : 1, range.low) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        var seen: Set<ObjectKey> = []
        var first: [ObjectKey] = []
        while low < addresses.count, addresses[low].address.isIPv4 == range.isIPv4, addresses[low].value <= range.high {
            let item = addresses[low]
            low += 1
            if block.except.contains(where: { $0.contains(item.address) }) { continue }
            if seen.insert(item.pod).inserted, first.count < limit { first.append(item.pod) }
        }
        let answer = (seen.count, first)
        answers[block] = answer
        return answer
    }
}
