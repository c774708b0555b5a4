import Synchronization

/// What set answers compute over, built once per compiled revision: pods grouped into classes that
/// no policy can tell apart, and the address space outside the pods cut where policies' CIDRs cut it.
///
/// Two pods are in one class when they share namespace, named ports, the labels any selector
/// mentions (a label no selector names changes no answer), which cuts of the address space their
/// addresses fall in, and the family of their first address. Every selector, ipBlock, net, named
/// port and IP-version criterion then answers the same for both, as subject and as peer, so one
/// representative stands for the class. 100,000 pods of a few hundred shapes per namespace become
/// tens of thousands of classes, and a set answer costs classes, not pods.
public final class ConnectivityIndex: Sendable {
    public let revision: Int64
    let classes: [PodClass]
    let classOfPod: [ObjectKey: Int32]
    /// Address ranges that are not stored pods' addresses, in address order, with an address of each.
    let atoms: [AddressAtom]
    /// Namespaces with pods, sorted, and each one's pods, sorted by name.
    let namespaces: [String]
    let podsByNamespace: [String: [ObjectKey]]
    /// Every pod, sorted by namespace and name; its class, and its name as a JSON string, alongside.
    let podOrder: [ObjectKey]
    let podClass: [Int32]
    let podPosition: [ObjectKey: Int]
    /// `ns/name` of each pod, and each namespace's run of positions, in ``podOrder``.
    let podNames: [String]
    let namespaceSpan: [Range<Int>]
    /// `ns/name[Kind]` of each pod's workload, as kubectl names the owner.
    let workloadOfPod: [ObjectKey: String]
    private let portsIDs: [[Pod.NamedPort]: Int32]
    /// Which classes and pieces each rule's criteria accept.
    let columns: RuleColumns
    /// Per rule-table slot (``Party/ingressSlot``, ``Party/egressSlot``), the column of each rule.
    let tableRefs: [[RuleColumns.Ref]?]
    /// Per class, the number of its ingress and egress ``BlockSplitter/SideKey`` (classes with the
    /// same number answer alike towards any one peer); -1 for an empty table.
    let ingressKey: [Int32]
    let egressKey: [Int32]
    let keyCount: Int
    let masks: BlockSplitter.Masks
    /// Every pod's name as a JSON string, one after another; pod `i`'s runs from `podNameStart[i]`
    /// to `podNameStart[i + 1]`.
    let podNameBytes: [UInt8]
    let podNameStart: [Int]
    /// What the classes were cut by, so a policy write can tell whether they still hold
    /// (``applying(_:to:)``).
    let mentioned: Set<String>
    let cuts: AddressCuts
    let namespaceRanges: [UInt32: Range<Int>]
    /// The table of each slot (kept alive, so no other table takes its identity) and the reverse.
    let slotTables: [RuleTable]
    let tableSlots: [ObjectIdentifier: Int32]
    let sideKeyIDs: [BlockSplitter.SideKey: Int32]
    /// Columns and table slots when the classes were last built from scratch.
    let builtColumnCount: Int
    let builtSlotCount: Int
    /// Shared by an index and the indexes updated from it: the same classes, numbered alike.
    let lineage: Lineage

    final class Lineage: Sendable {
        /// What lint reads from the classes alone, made once for every index of the lineage (the
        /// classes are the same in each; a policy write makes a new index, not new classes).
        let lintClasses = Mutex<LintUniverse.ClassFacts?>(nil)
    }

    struct PodClass: Sendable {
        let party: Party
        let namespace: String
        /// Sorted.
        let members: [ObjectKey]
    }

    struct AddressAtom: Sendable {
        let range: AddressRange
        let party: Party
    }

    public init(_ set: CompiledPolicySet) {
        revision = set.revision
        let mentioned = Self.mentionedKeys(set.policies)
        let cuts = AddressCuts(Self.blocks(set.policies))
        self.mentioned = mentioned
        self.cuts = cuts

        var keys: [ClassKey: Int] = [:]
        var members: [[ObjectKey]] = []
        var representatives: [CompiledPod] = []
        var portsIDs: [[Pod.NamedPort]: Int32] = [[]: 0]
        var podAddresses: [IPAddress] = []
        set.pods.forEach { key, pod in
            let facts = pod.facts
            podAddresses.append(contentsOf: facts.ips)
            let classKey = ClassKey(
                namespace: facts.namespace, labels: facts.labels.filter { mentioned.contains($0.key) },
                namedPorts: facts.namedPorts, cuts: Set(facts.ips.map(cuts.index)).sorted(),
                family: facts.ips.first.map { $0.isIPv4 ? 4 : 6 } ?? 0)
            if portsIDs[facts.namedPorts] == nil { portsIDs[facts.namedPorts] = Int32(portsIDs.count) }
            if let found = keys[classKey] {
                members[found].append(key)
            } else {
                keys[classKey] = members.count
                members.append([key])
                representatives.append(pod)
            }
        }
        var built: [PodClass] = []
        built.reserveCapacity(members.count)
        for (position, list) in members.enumerated() {
            let pod = representatives[position]
            built.append(
                PodClass(
                    party: Party(
                        view: EndpointView(pod: pod.facts, address: nil), pod: pod,
                        portsID: portsIDs[pod.facts.namedPorts] ?? 0),
                    namespace: pod.facts.namespace, members: list.sorted()))
        }
        built.sort { ($0.namespace, $0.members[0]) < ($1.namespace, $1.members[0]) }
        // Each class and address piece is one element of the universe rule columns are bitsets over.
        built = built.enumerated().map { position, item in
            PodClass(party: item.party.numbered(Int32(position)), namespace: item.namespace, members: item.members)
        }
        var classOfPod: [ObjectKey: Int32] = [:]
        classOfPod.reserveCapacity(set.pods.count)
        var byNamespace: [String: [ObjectKey]] = [:]
        for (position, item) in built.enumerated() {
            for member in item.members { classOfPod[member] = Int32(position) }
            byNamespace[item.namespace, default: []].append(contentsOf: item.members)
        }
        self.classOfPod = classOfPod
        podsByNamespace = byNamespace.mapValues { $0.sorted() }
        namespaces = byNamespace.keys.sorted()
        var order: [ObjectKey] = []
        order.reserveCapacity(classOfPod.count)
        for namespace in namespaces { order.append(contentsOf: podsByNamespace[namespace] ?? []) }
        podOrder = order
        podClass = order.map { classOfPod[$0]! }
        podPosition = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        podNames = order.map { $0.namespace + "/" + $0.name }
        var spans: [Range<Int>] = []
        var offset = 0
        for namespace in namespaces {
            let count = podsByNamespace[namespace]?.count ?? 0
            spans.append(offset..<(offset + count))
            offset += count
        }
        namespaceSpan = spans
        var nameBytes: [UInt8] = []
        var nameStart: [Int] = [0]
        nameStart.reserveCapacity(order.count + 1)
        for key in order {
            JSONWriter.writeString(key.namespace + "/" + key.name, into: &nameBytes)
            nameStart.append(nameBytes.count)
        }
        podNameBytes = nameBytes
        podNameStart = nameStart
        self.portsIDs = portsIDs
        let classTotal = built.count
        atoms = cuts.outside(podAddresses).enumerated().map { position, piece in
            AddressAtom(
                range: piece.0,
                party: Party(
                    view: EndpointView(pod: nil, address: piece.1), pod: nil, portsID: 0,
                    element: Int32(classTotal + position)))
        }
        var ranges: [UInt32: Range<Int>] = [:]
        var start = 0
        while start < built.count {
            var end = start + 1
            while end < built.count, built[end].namespace == built[start].namespace { end += 1 }
            ranges[built[start].party.view.pod!.namespaceID] = start..<end
            start = end
        }
        namespaceRanges = ranges
        let columns = RuleColumns(set, classes: built, atoms: atoms, namespaces: ranges)
        self.columns = columns
        builtColumnCount = columns.columnCount
        var slots = Slots(columns: columns)
        built = built.map { slots.assign($0, $0.party.pod!) }
        classes = built
        tableRefs = slots.refs
        slotTables = slots.tables
        tableSlots = slots.slots
        builtSlotCount = slots.refs.count
        lineage = Lineage()
        ingressKey = built.map { slots.number($0.party, egress: false) }
        egressKey = built.map { slots.number($0.party, egress: true) }
        keyCount = slots.keyIDs.count
        sideKeyIDs = slots.keyIDs
        masks = BlockSplitter.Masks(classes: built, stride: columns.stride)
        var workloads: [ObjectKey: String] = [:]
        for item in built {
            for member in item.members { workloads[member] = Self.workloadName(of: member, in: set) }
        }
        workloadOfPod = workloads
    }

    /// The index of a later revision with the same classes: everything but the rule columns, the
    /// table slots and the side keys is shared with `base` (see ``applying(_:to:)``).
    init(
        updating base: ConnectivityIndex, revision: Int64, classes: [PodClass], columns: RuleColumns, slots: Slots,
        ingressKey: [Int32], egressKey: [Int32]
    ) {
        self.revision = revision
        self.classes = classes
        self.columns = columns
        tableRefs = slots.refs
        slotTables = slots.tables
        tableSlots = slots.slots
        sideKeyIDs = slots.keyIDs
        keyCount = slots.keyIDs.count
        self.ingressKey = ingressKey
        self.egressKey = egressKey
        classOfPod = base.classOfPod
        atoms = base.atoms
        namespaces = base.namespaces
        podsByNamespace = base.podsByNamespace
        podOrder = base.podOrder
        podClass = base.podClass
        podPosition = base.podPosition
        podNames = base.podNames
        namespaceSpan = base.namespaceSpan
        workloadOfPod = base.workloadOfPod
        portsIDs = base.portsIDs
        masks = base.masks
        podNameBytes = base.podNameBytes
        podNameStart = base.podNameStart
        mentioned = base.mentioned
        cuts = base.cuts
        namespaceRanges = base.namespaceRanges
        builtColumnCount = base.builtColumnCount
        builtSlotCount = base.builtSlotCount
        lineage = base.lineage
    }

    /// Slots for rule tables (each distinct table one, with its rules' columns) and numbers for
    /// side keys (classes with the same number answer alike towards any one peer).
    struct Slots {
        let columns: RuleColumns
        var refs: [[RuleColumns.Ref]?] = []
        var tables: [RuleTable] = []
        var slots: [ObjectIdentifier: Int32] = [:]
        var keyIDs: [BlockSplitter.SideKey: Int32] = [:]

        init(columns: RuleColumns) { self.columns = columns }

        /// Continues `base`'s numbering, over new columns that keep the old ones' ids.
        init(continuing base: ConnectivityIndex, columns: RuleColumns) {
            self.columns = columns
            refs = base.tableRefs
            tables = base.slotTables
            slots = base.tableSlots
            keyIDs = base.sideKeyIDs
        }

        mutating func slot(_ table: RuleTable, egress: Bool) -> Int32 {
            if let found = slots[ObjectIdentifier(table)] { return found }
            refs.append(columns.refs(of: table, egress: egress))
            tables.append(table)
            slots[ObjectIdentifier(table)] = Int32(refs.count - 1)
            return Int32(refs.count - 1)
        }

        /// The class with `pod` as its representative and the slots of its tables.
        mutating func assign(_ item: PodClass, _ pod: CompiledPod) -> PodClass {
            var party = Party(view: item.party.view, pod: pod, portsID: item.party.portsID, element: item.party.element)
            party.ingressSlot = slot(pod.ingressTable, egress: false)
            party.egressSlot = slot(pod.egressTable, egress: true)
            return PodClass(party: party, namespace: item.namespace, members: item.members)
        }

        /// The number of a class's side key; -1 where its table is empty (it allows everything).
        mutating func number(_ party: Party, egress: Bool) -> Int32 {
            let table = egress ? party.pod!.egressTable : party.pod!.ingressTable
            guard !table.policies.isEmpty,
                let key = BlockSplitter.key(party, egress: egress, columns: columns, tableRefs: refs)
            else { return -1 }
            if let found = keyIDs[key] { return found }
            keyIDs[key] = Int32(keyIDs.count)
            return Int32(keyIDs.count - 1)
        }
    }

    /// The id answers use for a destination's named ports (a never-seen list gets one of its own).
    func portsID(of namedPorts: [Pod.NamedPort]) -> Int32 {
        portsIDs[namedPorts] ?? Int32(portsIDs.count)
    }

    public var classCount: Int { classes.count }
    public var podCount: Int { podOrder.count }
    public var atomCount: Int { atoms.count }

    private struct ClassKey: Hashable {
        let namespace: String
        let labels: [String: String]
        let namedPorts: [Pod.NamedPort]
        let cuts: [Int]
        let family: UInt8
    }

    /// Every label key a selector of a policy reads from a pod's own labels (Kubernetes
    /// podSelectors) or its Calico labels (Calico selectors); namespace selectors read the
    /// namespace, which is part of a class already.
    static func mentionedKeys(_ index: PolicyIndex) -> Set<String> { mentionedKeys(index.byKey.values) }

    static func mentionedKeys(_ policies: some Sequence<CompiledPolicy>) -> Set<String> {
        var keys: Set<String> = []
        func add(_ selector: LabelSelector?) {
            guard let selector else { return }
            keys.formUnion(selector.matchLabels.keys)
            for requirement in selector.requirements { keys.insert(requirement.key) }
        }
        func add(_ selector: CalicoSelector?) {
            guard let selector else { return }
            switch selector {
            case .all, .global: break
            case .has(let key), .equals(let key, _), .notEquals(let key, _), .in(let key, _), .notIn(let key, _),
                .contains(let key, _), .startsWith(let key, _), .endsWith(let key, _):
                keys.insert(key)
            case .not(let inner): add(inner)
            case .and(let operands), .or(let operands): for operand in operands { add(operand) }
            }
        }
        for policy in policies {
            switch policy.body {
            case .kubernetes(let body):
                add(body.podSelector)
                for rule in body.ingress + body.egress { for peer in rule.peers { add(peer.podSelector) } }
            case .calico(let body):
                add(body.selector)
                for rule in body.ingress + body.egress {
                    for entity in [rule.source, rule.destination] {
                        add(entity.selector)
                        add(entity.notSelector)
                    }
                }
            }
        }
        return keys
    }

    /// Every address block a rule can test: ipBlocks with their exceptions, nets and notNets.
    static func blocks(_ index: PolicyIndex) -> [CIDR] { blocks(index.byKey.values) }

    static func blocks(_ policies: some Sequence<CompiledPolicy>) -> [CIDR] {
        var result: [CIDR] = []
        for policy in policies {
            for code in [policy.ingressCode, policy.egressCode] {
                result.append(contentsOf: code.cidrs)
                for block in code.blocks {
                    result.append(block.cidr)
                    result.append(contentsOf: block.except)
                }
            }
        }
        return result
    }

    /// The workload kubectl would show for a pod: its owner, followed up through stored owners (a
    /// ReplicaSet to its Deployment, a Job to its CronJob); the pod itself when it has none.
    static func workloadName(of pod: ObjectKey, in set: CompiledPolicySet) -> String {
        let owners = set.podOwners[pod] ?? []
        guard var owner = owners.first(where: { $0.kind == .deployment }) ?? owners.first else {
            return "\(pod.namespace)/\(pod.name)[Pod]"
        }
        for _ in 0..<4 {
            guard let stored = set.workloads[owner],
                let next = stored.owners.lazy.compactMap({ $0.key(namespace: pod.namespace) }).first
            else { break }
            owner = next
        }
        return "\(pod.namespace)/\(owner.name)[\(owner.kind.kind)]"
    }
}

/// One side of a pair as the evaluator sees it: a pod (stored, hypothetical or a class's
/// representative) or an address, and the id of its named ports.
struct Party: Sendable {
    let view: EndpointView
    let pod: CompiledPod?
    let portsID: Int32
    /// Its element in ``RuleColumns``; -1 for an endpoint outside the index (a hypothetical pod).
    var element: Int32 = -1
    /// Slots of its rule tables in ``ConnectivityIndex/tableRefs``; -1 outside the index.
    var ingressSlot: Int32 = -1
    var egressSlot: Int32 = -1

    func numbered(_ element: Int32) -> Party {
        var copy = self
        copy.element = element
        return copy
    }
}

/// The address space of each family cut at every boundary of the given blocks.
struct AddressCuts {
    /// Per family (IPv4, IPv6), the sorted first addresses of the pieces; the first is 0.
    private let starts: [[UInt128]]

    init(_ blocks: [CIDR]) {
        var v4: Set<UInt128> = [0]
        var v6: Set<UInt128> = [0]
        for block in blocks {
            let range = AddressRange(block)
            if range.isIPv4 {
                v4.insert(range.low)
                if range.high < AddressRange.maxValue(ipv4: true) { v4.insert(range.high + 1) }
            } else {
                v6.insert(range.low)
                if range.high < UInt128.max { v6.insert(range.high + 1) }
            }
        }
        starts = [v4.sorted(), v6.sorted()]
    }

    /// Whether every boundary of the blocks is a cut already.
    func includes(_ blocks: [CIDR]) -> Bool {
        blocks.allSatisfy { block in
            let range = AddressRange(block)
            let list = starts[range.isIPv4 ? 0 : 1]
            func isCut(_ value: UInt128) -> Bool {
                var low = 0
                var high = list.count
                while low < high {
                    let middle = (low + high) / 2
                    if list[middle] < value { low = middle + 1 } else { high = middle }
                }
                return low < list.count && list[low] == value
            }
            let top = range.isIPv4 ? AddressRange.maxValue(ipv4: true) : UInt128.max
            return isCut(range.low) && (range.high == top || isCut(range.high + 1))
        }
    }

    /// A number for the piece holding the address, unique across both families.
    func index(_ address: IPAddress) -> Int {
        let list = starts[address.isIPv4 ? 0 : 1]
        let value = AddressRange.value(address)
        var low = 0
        var high = list.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if list[middle] <= value { low = middle } else { high = middle }
        }
        return address.isIPv4 ? low : starts[0].count + low
    }

    /// Every piece with an address that is no pod's, and the first such address.
    func outside(_ podAddresses: [IPAddress]) -> [(AddressRange, IPAddress)] {
        var result: [(AddressRange, IPAddress)] = []
        for (family, list) in starts.enumerated() {
            let ipv4 = family == 0
            let taken = Set(podAddresses.filter { $0.isIPv4 == ipv4 }.map(AddressRange.value)).sorted()
            var cursor = 0
            for (position, start) in list.enumerated() {
                let end = position + 1 < list.count ? list[position + 1] - 1 : AddressRange.maxValue(ipv4: ipv4)
                while cursor < taken.count, taken[cursor] < start { cursor += 1 }
                var candidate = start
                var probe = cursor
                while probe < taken.count, taken[probe] == candidate, candidate < end {
                    candidate += 1
                    probe += 1
                }
                if probe < taken.count, taken[probe] == candidate { continue }
                result.append((AddressRange(isIPv4: ipv4, low: start, high: end), AddressRange.address(candidate, ipv4: ipv4)))
            }
        }
        return result
    }
}
