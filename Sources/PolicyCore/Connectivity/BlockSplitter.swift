/// Splits the classes on the other side of one subject's rule table into blocks whose members
/// meet the same rules' criteria, so one answer stands for each block.
///
/// A side of a pair depends on the other class only through which of the table's rules' criteria
/// it meets (and, for egress rules naming a port, the destination's named ports). The subject's
/// own part, the ``SideKey``, is its table, family, named ports and which of its own Calico
/// entities hold. Splitting is done on the rule columns, visiting only their set bits.
struct BlockSplitter {
    let index: ConnectivityIndex
    private let classCount: Int
    private let stride: Int
    private let family: [UInt8]
    private let all: [UInt64]
    private let none: [UInt64]
    private let noFamily: [UInt64]
    private let familyOnly: [UInt8: [UInt64]]
    private let familyOrNone: [UInt8: [UInt64]]
    /// Classes per named-ports id, for egress tables that name a port.
    private let byPorts: [[UInt64]]

    /// What one side's answer depends on besides the other class.
    struct SideKey: Hashable {
        let slot: Int32
        let family: UInt8
        let portsID: Int32
        let calico: [UInt64]
    }

    init(index: ConnectivityIndex) {
        self.index = index
        classCount = index.classes.count
        stride = index.columns.stride
        let masks = index.masks
        family = masks.family
        all = masks.all
        none = masks.none
        noFamily = masks.noFamily
        familyOnly = masks.familyOnly
        familyOrNone = masks.familyOrNone
        byPorts = masks.byPorts
    }

    /// The class masks splitting needs, made once per index.
    struct Masks: Sendable {
        let family: [UInt8]
        let all: [UInt64]
        let none: [UInt64]
        let noFamily: [UInt64]
        let familyOnly: [UInt8: [UInt64]]
        let familyOrNone: [UInt8: [UInt64]]
        let byPorts: [[UInt64]]

        init(classes: [ConnectivityIndex.PodClass], stride: Int) {
            let classCount = classes.count
            let family = classes.map { BlockSplitter.family(of: $0.party) }
            self.family = family
            func mask(_ test: (Int) -> Bool) -> [UInt64] {
                var words = [UInt64](repeating: 0, count: stride)
                for item in 0..<classCount where test(item) { words[item >> 6] |= 1 << UInt64(item & 63) }
                return words
            }
            all = mask { _ in true }
            none = [UInt64](repeating: 0, count: stride)
            noFamily = mask { family[$0] == 0 }
            familyOnly = [4: mask { family[$0] == 4 }, 6: mask { family[$0] == 6 }]
            familyOrNone = [4: mask { family[$0] == 4 || family[$0] == 0 }, 6: mask { family[$0] == 6 || family[$0] == 0 }]
            byPorts = Set(classes.map(\.party.portsID)).sorted().map { id in mask { classes[$0].party.portsID == id } }
        }
    }

    static func family(of party: Party) -> UInt8 {
        guard let first = party.view.address ?? party.view.pod?.ips.first else { return 0 }
        return first.isIPv4 ? 4 : 6
    }

    /// The subject's key for one direction; nil for a party outside the index.
    func key(_ party: Party, egress: Bool) -> SideKey? {
        Self.key(party, egress: egress, columns: index.columns, tableRefs: index.tableRefs)
    }

    static func key(_ party: Party, egress: Bool, columns: RuleColumns, tableRefs: [[RuleColumns.Ref]?]) -> SideKey? {
        guard let pod = party.pod, party.element >= 0 else { return nil }
        let table = egress ? pod.egressTable : pod.ingressTable
        let slot = egress ? party.egressSlot : party.ingressSlot
        guard slot >= 0, let refs = tableRefs[Int(slot)] else { return nil }
        var calico = [UInt64](repeating: 0, count: (table.code.rules.count + 63) / 64)
        for (position, rule) in table.code.rules.enumerated() where rule.isCalico {
            // The subject's own entity: the destination's for ingress, the source's for egress.
            if columns.bit(egress ? refs[position].first : refs[position].second, party.element) {
                calico[position >> 6] |= 1 << UInt64(position & 63)
            }
        }
        let ports = !egress && table.usesNamedPorts ? party.portsID : -1
        return SideKey(slot: slot, family: family(of: party), portsID: ports, calico: calico)
    }

    /// The block of each class on the other side, and each block's answer (ids of `memo`).
    func split(
        _ set: CompiledPolicySet, _ party: Party, _ key: SideKey, egress: Bool, _ memo: SideMemo
    ) -> (blockOf: [UInt16], answers: [Int32])? {
        let table = egress ? party.pod!.egressTable : party.pod!.ingressTable
        if table.policies.isEmpty { return ([UInt16](repeating: 0, count: classCount), [SideMemo.everything]) }
        guard let (blockOf, count) = partition(party, key, egress: egress) else { return nil }
        var answers = [Int32](repeating: -1, count: count)
        for item in 0..<classCount where answers[Int(blockOf[item])] < 0 {
            answers[Int(blockOf[item])] = memo.side(set, subject: party, peer: index.classes[item].party, egress: egress)
        }
        return (blockOf, answers)
    }

    /// The block of each class on the other side of a non-empty table, and how many blocks there
    /// are (nil past 65,535): the classes of a block meet the same rules' criteria.
    func partition(_ party: Party, _ key: SideKey, egress: Bool) -> (blockOf: [UInt16], count: Int)? {
        let table = egress ? party.pod!.egressTable : party.pod!.ingressTable
        let refs = index.tableRefs[Int(key.slot)]!
        var masks: [Mask] = []
        for (position, rule) in table.code.rules.enumerated() {
            if !rule.isCalico {
                masks.append(Mask(column: refs[position].first, and: nil))
                continue
            }
            guard key.calico[position >> 6] >> UInt64(position & 63) & 1 == 1 else { continue }
            var allowed: [UInt64]?
            if rule.ipVersion != 0 {
                let version = rule.ipVersion
                // The connection's family: the destination's address, else the source's.
                if egress {
                    allowed =
                        key.family == 0 || key.family == version
                        ? zip(familyOnly[version]!, noFamily).map { $0 | $1 } : familyOnly[version]!
                } else {
                    allowed = key.family == 0 ? familyOrNone[version]! : (key.family == version ? nil : none)
                }
            }
            masks.append(Mask(column: egress ? refs[position].second : refs[position].first, and: allowed))
        }
        if egress && table.usesNamedPorts { masks += byPorts.map { Mask(column: -1, and: $0) } }
        return blocks(masks)
    }

    /// A rule column (or all classes, for -1), optionally narrowed by a mask.
    private struct Mask {
        let column: Int32
        let and: [UInt64]?
    }

    /// Classes that fall apart by the given masks, as a block number per class. Each mask moves its
    /// members of a block to a new block (or, when it holds most classes, its non-members: the same
    /// partition); masks are mostly confined to a namespace, so few bits are visited.
    private func blocks(_ masks: [Mask]) -> (blockOf: [UInt16], count: Int)? {
        var blockOf = [UInt16](repeating: 0, count: classCount)
        var count = 1
        let columns = index.columns
        let lastWord = (classCount + 63) / 64
        var words = [UInt64](repeating: 0, count: lastWord)
        for mask in masks {
            var population = 0
            for word in 0..<lastWord {
                var bits = mask.column >= 0 ? columns.word(mask.column, word) : ~0
                if let and = mask.and { bits &= and[word] }
                let valid = classCount - word << 6
                if valid < 64 { bits &= (UInt64(1) << UInt64(valid)) - 1 }
                words[word] = bits
                population += bits.nonzeroBitCount
            }
            if population * 2 > classCount {
                for word in 0..<lastWord {
                    words[word] = ~words[word]
                    let valid = classCount - word << 6
                    if valid < 64 { words[word] &= (UInt64(1) << UInt64(valid)) - 1 }
                }
            }
            var moved = [Int32](repeating: -1, count: count)
            for word in 0..<lastWord {
                var rest = words[word]
                while rest != 0 {
                    let item = word << 6 | rest.trailingZeroBitCount
                    rest &= rest - 1
                    let old = Int(blockOf[item])
                    if moved[old] < 0 {
                        if count == Int(UInt16.max) { return nil }
                        moved[old] = Int32(count)
                        count += 1
                    }
                    blockOf[item] = UInt16(moved[old])
                }
            }
        }
        return (blockOf, count)
    }
}
