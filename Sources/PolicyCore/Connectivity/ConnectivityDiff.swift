/// What a change to the store does to connectivity: every pair (of pods, workloads or
/// namespaces) whose allowed ports differ between two revisions, as ``ConnectivityAnswer`` would
/// list them on each.
public struct ConnectivityDiff: Sendable {
    /// The revision the change was measured against.
    public let revision: Int64
    public let groupBy: ConnectivityQuery.Grouping
    /// Sorted by `from`, then `to`.
    public let changes: [ConnectivityChange]

    /// Pairs that had nothing allowed and now have something.
    public var pairsGained: Int { changes.count(where: { $0.before.isEmpty && !$0.after.isEmpty }) }
    /// Pairs that had something allowed and now have nothing.
    public var pairsLost: Int { changes.count(where: { !$0.before.isEmpty && $0.after.isEmpty }) }
}

/// One changed pair.
public struct ConnectivityChange: Sendable, Hashable {
    public let from: String
    public let to: String
    public let before: ProtocolPorts
    public let after: ProtocolPorts
    /// For namespaces: pod pairs with anything allowed, and all pod pairs, on each revision.
    public let pairsBefore: PairCount?
    public let pairsAfter: PairCount?

    public struct PairCount: Sendable, Hashable {
        public let allowed: Int
        public let total: Int
    }

    init(from: String, to: String, before: ProtocolPorts, after: ProtocolPorts, pairs: (PairCount, PairCount)? = nil) {
        self.from = from
        self.to = to
        self.before = before
        self.after = after
        pairsBefore = pairs?.0
        pairsAfter = pairs?.1
    }
}

/// A revision's whole namespace matrix, kept between diffs against the same revision: a diff
/// then computes only the columns its change touches on the other revision.
public final class NamespaceCells: Sendable {
    public let revision: Int64
    public let port: Int?
    public let `protocol`: TransportProtocol?
    typealias Cell = (ports: ProtocolPorts, count: ConnectivityChange.PairCount)
    let cells: [[String]: Cell]

    /// The matrix of `version` for a question's port and protocol (its scope and grouping do not matter).
    public init(_ version: ConnectivityVersion, port: Int?, protocol proto: TransportProtocol?, jobs: JobRunner = .sequential) {
        revision = version.set.revision
        self.port = port
        self.protocol = proto
        let query = ConnectivityQuery(groupBy: .namespace, port: port, protocol: proto)
        cells = DiffEngine.matrix(version, columns: nil, query: query, scope: nil, jobs: jobs)
    }

    /// Whether these cells answer a question about `version`.
    public func answers(_ version: ConnectivityVersion, _ query: ConnectivityQuery) -> Bool {
        version.set.revision == revision && query.port == port && query.protocol == self.protocol
    }
}

/// One revision as a diff reads it: its compiled set and that set's connectivity index.
public struct ConnectivityVersion: Sendable {
    public let set: CompiledPolicySet
    public let index: ConnectivityIndex

    public init(set: CompiledPolicySet, index: ConnectivityIndex) {
        self.set = set
        self.index = index
    }
}

extension ConnectivityDiff {
    /// The pairs whose allowed ports differ between `before` and `after`: exactly
    /// `connectivity(after)` minus `connectivity(before)`, pair for pair, for the same question.
    ///
    /// Only pairs a change can affect are looked at: a pair's answer is a function of its two
    /// compiled pods, so pairs of pods the change left alone are skipped. When `after`'s index
    /// was updated from `before`'s (a policy-only change, ``ConnectivityIndex/applying(_:to:)``),
    /// the classes are the same, and each changed table's other side is split into blocks by the
    /// rule columns of both revisions: a block whose side answer did not change is skipped whole.
    /// - Parameters:
    ///   - limit: the most changes the answer may list; above it the question must be narrowed.
    ///   - cells: `before`'s namespace matrix, when kept (see ``NamespaceCells``).
    /// - Throws: ``DecisionError`` for a bad port, an unknown namespace or an answer over `limit`.
    public init(
        before: ConnectivityVersion, after: ConnectivityVersion, query: ConnectivityQuery, limit: Int,
        jobs: JobRunner = .sequential, cells: NamespaceCells? = nil
    ) throws(DecisionError) {
        let scope = try query.checkedScope { before.set.namespaces[$0] != nil || after.set.namespaces[$0] != nil }
        let engine = DiffEngine(before: before, after: after, query: query, scope: scope, jobs: jobs)
        let changes: [ConnectivityChange]
        switch query.groupBy {
        case .pod: changes = try engine.podChanges(engine.classChanges(), limit: limit)
        case .workload: changes = engine.workloadChanges(engine.classChanges())
        case .namespace: changes = engine.namespaceChanges(cells: cells.flatMap { $0.answers(before, query) ? $0 : nil })
        }
        if changes.count > limit { throw engine.tooLarge(changes.count, limit) }
        self.init(revision: before.set.revision, groupBy: query.groupBy, changes: changes)
    }
}

/// The work of one diff: pods grouped by their classes in both revisions, the pairs of groups
/// whose answers differ, and those pairs regrouped as asked.
struct DiffEngine {
    let before: ConnectivityVersion
    let after: ConnectivityVersion
    let query: ConnectivityQuery
    let scope: Set<String>?
    let jobs: JobRunner
    /// Pods no policy of either revision tells apart: each group's class in either index (-1
    /// where its pods are not stored), its members (sorted) and namespace.
    let joints: [Joint]
    /// Both indexes number the classes alike; then a joint group is a class.
    let sameClasses: Bool
    /// Groups whose answers as destination (ingress) or as source (egress) may have changed.
    let changedIn: [Bool]
    let changedOut: [Bool]

    struct Joint {
        let before: Int32
        let after: Int32
        let members: [ObjectKey]
        var namespace: String { members[0].namespace }
    }

    /// A pair of groups whose answer differs.
    struct GroupChange {
        let from: Int
        let to: Int
        let before: ProtocolPorts
        let after: ProtocolPorts
    }

    init(before: ConnectivityVersion, after: ConnectivityVersion, query: ConnectivityQuery, scope: Set<String>?, jobs: JobRunner)
    {
        self.before = before
        self.after = after
        self.query = query
        self.scope = scope
        self.jobs = jobs
        let old = before.index
        let new = after.index
        if old.lineage === new.lineage, old.classes.count == new.classes.count {
            sameClasses = true
            joints = old.classes.enumerated().map { Joint(before: Int32($0), after: Int32($0), members: $1.members) }
            changedIn = zip(old.classes, new.classes).map { $0.party.pod!.ingressTable !== $1.party.pod!.ingressTable }
            changedOut = zip(old.classes, new.classes).map { $0.party.pod!.egressTable !== $1.party.pod!.egressTable }
            return
        }
        sameClasses = false
        var numbers: [Int64: Int] = [:]
        var found: [Joint] = []
        var members: [[ObjectKey]] = []
        var affected: [Bool] = []
        func add(_ key: ObjectKey) {
            let first = old.classOfPod[key] ?? -1
            let second = new.classOfPod[key] ?? -1
            let number = Int64(first) << 32 | Int64(UInt32(bitPattern: second))
            let position: Int
            if let known = numbers[number] {
                position = known
            } else {
                position = found.count
                numbers[number] = position
                found.append(Joint(before: first, after: second, members: []))
                members.append([])
                affected.append(false)
            }
            members[position].append(key)
            // A pair's answer is a function of its two compiled pods: a pod the change did not
            // recompile changes no pair by itself.
            if before.set.pods[key] !== after.set.pods[key] { affected[position] = true }
        }
        for key in old.podOrder { add(key) }
        for key in new.podOrder where old.classOfPod[key] == nil { add(key) }
        joints = zip(found, members).map { Joint(before: $0.before, after: $0.after, members: $1.sorted()) }
        changedIn = affected
        changedOut = affected
    }

    func inScope(_ namespace: String) -> Bool { scope?.contains(namespace) ?? true }

    func tooLarge(_ count: Int, _ limit: Int) -> DecisionError {
        DecisionError(
            kind: .invalid, field: "groupBy",
            message:
                "the change alters more than \(limit) connections (--max-connections): narrow it with namespace=, "
                + "or group with groupBy=workload or groupBy=namespace")
    }

    // MARK: Pairs of groups

    /// What one revision allows from one group to another (none where either is not stored there).
    private func ports(_ version: ConnectivityVersion, _ memo: SideMemo, _ from: Int32, _ to: Int32) -> ProtocolPorts {
        guard from >= 0, to >= 0 else { return .none }
        let classes = version.index.classes
        return memo[memo.pair(version.set, from: classes[Int(from)].party, to: classes[Int(to)].party)]
    }

    /// Work for one thread: the memos and splitters of both revisions.
    private final class Worker {
        let old: SideMemo
        let new: SideMemo
        let oldSplitter: BlockSplitter
        let newSplitter: BlockSplitter
        var changes: [GroupChange] = []

        init(_ engine: DiffEngine) {
            old = SideMemo(index: engine.before.index, port: engine.query.port, protocol: engine.query.protocol)
            new = SideMemo(index: engine.after.index, port: engine.query.port, protocol: engine.query.protocol)
            oldSplitter = BlockSplitter(index: engine.before.index)
            newSplitter = BlockSplitter(index: engine.after.index)
        }
    }

    private func compare(_ worker: Worker, _ from: Int, _ to: Int) {
        if from == to && joints[from].members.count == 1 { return }
        let old = ports(before, worker.old, joints[from].before, joints[to].before)
        let new = ports(after, worker.new, joints[from].after, joints[to].after)
        if old != new { worker.changes.append(GroupChange(from: from, to: to, before: old, after: new)) }
    }

    /// The groups on the other side of `subject` whose side answer differs between the revisions
    /// (nil: all of them, when the classes differ or a split has too many blocks).
    private func differing(_ worker: Worker, _ subject: Int, egress: Bool) -> [Bool]? {
        guard sameClasses else { return nil }
        let oldParty = before.index.classes[subject].party
        let newParty = after.index.classes[subject].party
        guard let oldKey = worker.oldSplitter.key(oldParty, egress: egress),
            let newKey = worker.newSplitter.key(newParty, egress: egress),
            let old = worker.oldSplitter.split(before.set, oldParty, oldKey, egress: egress, worker.old),
            let new = worker.newSplitter.split(after.set, newParty, newKey, egress: egress, worker.new)
        else { return nil }
        var known: [UInt32: Bool] = [:]
        return (0..<joints.count).map { other in
            let first = old.blockOf[other]
            let second = new.blockOf[other]
            let pair = UInt32(first) << 16 | UInt32(second)
            if let answer = known[pair] { return answer }
            let answer = worker.old[old.answers[Int(first)]] != worker.new[new.answers[Int(second)]]
            known[pair] = answer
            return answer
        }
    }

    /// Every pair of groups whose answer differs. Destinations whose ingress may have changed are
    /// compared with every source whose egress did not; sources whose egress may have changed,
    /// with every destination. Groups with the same side keys in both revisions answer alike, so
    /// one split serves them all.
    func classChanges() -> [GroupChange] {
        enum Work {
            case into([Int])
            case out([Int])
        }
        var work: [Work] = []
        func groups(_ changed: [Bool], _ oldKeys: [Int32], _ newKeys: [Int32]) -> [[Int]] {
            var byKey: [Int64: Int] = [:]
            var result: [[Int]] = []
            for item in joints.indices where changed[item] {
                guard sameClasses else {
                    result.append([item])
                    continue
                }
                let key = Int64(oldKeys[item]) << 32 | Int64(UInt32(bitPattern: newKeys[item]))
                if let found = byKey[key] {
                    result[found].append(item)
                } else {
                    byKey[key] = result.count
                    result.append([item])
                }
            }
            return result
        }
        work += groups(changedIn, before.index.ingressKey, after.index.ingressKey).map(Work.into)
        work += groups(changedOut, before.index.egressKey, after.index.egressKey).map(Work.out)

        var results = [[GroupChange]](repeating: [], count: work.count)
        results.withUnsafeMutableBufferPointer { out in
            jobs.forEachRange(work.count, minimum: 1) { range in
                let worker = Worker(self)
                for position in range {
                    worker.changes.removeAll()
                    switch work[position] {
                    case .into(let destinations):
                        let differs = differing(worker, destinations[0], egress: false)
                        for source in joints.indices where !changedOut[source] && differs?[source] ?? true {
                            for destination in destinations { compare(worker, source, destination) }
                        }
                    case .out(let sources):
                        let differs = differing(worker, sources[0], egress: true)
                        for destination in joints.indices where changedIn[destination] || (differs?[destination] ?? true) {
                            for source in sources { compare(worker, source, destination) }
                        }
                    }
                    out[position] = worker.changes
                }
            }
        }
        return results.flatMap { $0 }.filter { inScope(joints[$0.from].namespace) || inScope(joints[$0.to].namespace) }
    }

    // MARK: Groupings

    func podChanges(_ changed: [GroupChange], limit: Int) throws(DecisionError) -> [ConnectivityChange] {
        var count = 0
        for change in changed {
            let size = joints[change.from].members.count
            count += size * joints[change.to].members.count - (change.from == change.to ? size : 0)
            if count > limit { throw tooLarge(count, limit) }
        }
        var pairs: [(from: ObjectKey, to: ObjectKey, change: Int)] = []
        pairs.reserveCapacity(count)
        for (position, change) in changed.enumerated() {
            for source in joints[change.from].members {
                for destination in joints[change.to].members where source != destination {
                    pairs.append((source, destination, position))
                }
            }
        }
        pairs.sort { ($0.from, $0.to) < ($1.from, $1.to) }
        return pairs.map { pair in
            ConnectivityChange(
                from: pair.from.namespace + "/" + pair.from.name, to: pair.to.namespace + "/" + pair.to.name,
                before: changed[pair.change].before, after: changed[pair.change].after)
        }
    }

    /// Per workload, its pods counted by class of one revision (as `groupBy=workload` groups them).
    private func workloadGroups(_ version: ConnectivityVersion) -> [String: [Int: Int]] {
        var groups: [String: [Int: Int]] = [:]
        for (position, item) in version.index.classes.enumerated() {
            for member in item.members {
                groups[workloadName(member, version), default: [:]][position, default: 0] += 1
            }
        }
        return groups
    }

    private func workloadName(_ pod: ObjectKey, _ version: ConnectivityVersion) -> String {
        version.index.workloadOfPod[pod] ?? "\(pod.namespace)/\(pod.name)[Pod]"
    }

    /// What every pod pair of two workloads allows (nothing when there is no pair): as ``ClassPairs`` does.
    private func between(
        _ version: ConnectivityVersion, _ memo: SideMemo, _ source: [Int: Int]?, _ destination: [Int: Int]?, same: Bool
    ) -> ProtocolPorts {
        guard let source, let destination else { return .none }
        var result = ProtocolPorts.all
        var any = false
        for (from, fromCount) in source {
            for (to, toCount) in destination {
                if same && from == to && fromCount == 1 && toCount == 1 { continue }
                any = true
                let found = ports(version, memo, Int32(from), Int32(to))
                if found.isEmpty { return .none }
                result = result.intersection(found)
            }
        }
        return any ? result : .none
    }

    func workloadChanges(_ changed: [GroupChange]) -> [ConnectivityChange] {
        let oldGroups = workloadGroups(before)
        let newGroups = workloadGroups(after)
        func names(_ joint: Joint) -> Set<String> {
            var result: Set<String> = []
            for member in joint.members {
                if joint.before >= 0 { result.insert(workloadName(member, before)) }
                if joint.after >= 0 { result.insert(workloadName(member, after)) }
            }
            return result
        }
        var touched: Set<[String]> = []
        var namesOf: [Int: Set<String>] = [:]
        for change in changed {
            for group in [change.from, change.to] where namesOf[group] == nil { namesOf[group] = names(joints[group]) }
            for from in namesOf[change.from]! { for to in namesOf[change.to]! { touched.insert([from, to]) } }
        }
        // A workload that gained or lost pods changes even where each of its pod pairs did not:
        // its pairs are every pod pair's intersection.
        if !sameClasses {
            var moved: Set<String> = []
            for joint in joints {
                for member in joint.members {
                    let old = joint.before >= 0 ? workloadName(member, before) : nil
                    let new = joint.after >= 0 ? workloadName(member, after) : nil
                    if old != new {
                        if let old { moved.insert(old) }
                        if let new { moved.insert(new) }
                    }
                }
            }
            let all = Set(oldGroups.keys).union(newGroups.keys)
            for name in moved {
                for other in all {
                    touched.insert([name, other])
                    touched.insert([other, name])
                }
            }
        }
        let namespaceOf = { (name: String) in String(name.prefix { $0 != "/" }) }
        let oldMemo = SideMemo(index: before.index, port: query.port, protocol: query.protocol)
        let newMemo = SideMemo(index: after.index, port: query.port, protocol: query.protocol)
        var result: [ConnectivityChange] = []
        for pair in touched.sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            guard inScope(namespaceOf(pair[0])) || inScope(namespaceOf(pair[1])) else { continue }
            let same = pair[0] == pair[1]
            let old = between(before, oldMemo, oldGroups[pair[0]], oldGroups[pair[1]], same: same)
            let new = between(after, newMemo, newGroups[pair[0]], newGroups[pair[1]], same: same)
            if old != new { result.append(ConnectivityChange(from: pair[0], to: pair[1], before: old, after: new)) }
        }
        return result
    }

    /// Cells of the namespace matrix that differ. A cell can change only in a column whose pods'
    /// ingress changed or in a row whose pods' egress changed, so only those columns (with the
    /// matrix's own blocks) and rows (source class by source class, each destination side key
    /// answered once) of both matrices are computed: the cost follows the namespaces touched, not
    /// the pod pairs changed. Rows holding many classes are cheaper as the whole matrix.
    func namespaceChanges(cells: NamespaceCells?) -> [ConnectivityChange] {
        var columns: Set<String> = []
        var rows: Set<String> = []
        for (position, joint) in joints.enumerated() {
            if changedOut[position] { rows.insert(joint.namespace) }
            if changedIn[position] { columns.insert(joint.namespace) }
        }
        if columns.isEmpty && rows.isEmpty { return [] }
        let rowClasses = after.index.classes.count { rows.contains($0.namespace) }
        let whole = rowClasses * 8 > after.index.classes.count
        let wanted: Set<String>? = whole ? nil : columns
        let across: Set<String> = whole ? [] : rows
        var old: [[String]: NamespaceCells.Cell]
        if let cells {
            old = cells.cells
            if let wanted { old = old.filter { wanted.contains($0.key[1]) || across.contains($0.key[0]) } }
        } else {
            old = Self.matrix(before, columns: wanted, rows: across, query: query, scope: scope, jobs: jobs)
        }
        let new = Self.matrix(after, columns: wanted, rows: across, query: query, scope: scope, jobs: jobs)
        let empty = (ports: ProtocolPorts.none, count: ConnectivityChange.PairCount(allowed: 0, total: 0))
        var result: [ConnectivityChange] = []
        for pair in Set(old.keys).union(new.keys).sorted(by: { ($0[0], $0[1]) < ($1[0], $1[1]) }) {
            guard inScope(pair[0]) || inScope(pair[1]) else { continue }
            let first = old[pair] ?? empty
            let second = new[pair] ?? empty
            if first.ports != second.ports || first.count.allowed != second.count.allowed {
                result.append(
                    ConnectivityChange(
                        from: pair[0], to: pair[1], before: first.ports, after: second.ports, pairs: (first.count, second.count)))
            }
        }
        return result
    }

    /// One revision's namespace cells, by name: every cell of the given destination columns (nil:
    /// all of them) and of the given source rows.
    static func matrix(
        _ version: ConnectivityVersion, columns: Set<String>?, rows: Set<String> = [], query: ConnectivityQuery,
        scope: Set<String>?, jobs: JobRunner
    ) -> [[String]: NamespaceCells.Cell] {
        let index = version.index
        let names = index.namespaces
        var position: [String: Int] = [:]
        for (offset, name) in names.enumerated() { position[name] = offset }
        let classNamespace = index.classes.map { position[$0.namespace]! }
        let sizes = names.map { index.podsByNamespace[$0]?.count ?? 0 }
        let numbers = columns.map { Set($0.compactMap { position[$0] }) }
        let rowNumbers = Set(rows.compactMap { position[$0] })
        var allowed = [[Int]](repeating: [Int](repeating: 0, count: names.count), count: names.count)
        var ports = [[ProtocolPorts]](repeating: [ProtocolPorts](repeating: .none, count: names.count), count: names.count)
        if numbers?.isEmpty != true {
            let pairs = ClassPairs(set: version.set, index: index, query: query, scope: scope, jobs: jobs)
            let cells =
                pairs.namespaceCellsByBlocks(classNamespace, namespaceCount: names.count, columns: numbers)
                ?? pairs.namespaceCellsByPairs(classNamespace, namespaceCount: names.count)
            for row in names.indices {
                for column in names.indices where numbers?.contains(column) ?? true {
                    allowed[row][column] = cells[row][column].allowed
                    ports[row][column] = cells[row][column].ports
                }
            }
        }
        if let numbers, !rowNumbers.isEmpty {
            rowCells(version, rows: rowNumbers, skipping: numbers, classNamespace, query: query, jobs: jobs) {
                allowed[$0][$1] += $2
                ports[$0][$1] = ports[$0][$1].union($3)
            }
        }
        var result: [[String]: NamespaceCells.Cell] = [:]
        for row in names.indices {
            for column in names.indices where numbers?.contains(column) ?? true || rowNumbers.contains(row) {
                let total = sizes[row] * sizes[column] - (row == column ? sizes[row] : 0)
                result[[names[row], names[column]]] = (
                    ports[row][column], ConnectivityChange.PairCount(allowed: allowed[row][column], total: total)
                )
            }
        }
        return result
    }

    /// The cells of some source rows outside some columns, source class by source class: its
    /// egress split of the destinations (when isolated), and its ingress answer from each
    /// destination side key (classes with one key answer alike), so a row costs its classes
    /// times the classes and keys, not a split of every source per destination key.
    private static func rowCells(
        _ version: ConnectivityVersion, rows: Set<Int>, skipping columns: Set<Int>, _ classNamespace: [Int],
        query: ConnectivityQuery, jobs: JobRunner, add: (Int, Int, Int, ProtocolPorts) -> Void
    ) {
        let index = version.index
        let classes = index.classes
        let sources = classes.indices.filter { rows.contains(classNamespace[$0]) }
        let destinations = classes.indices.filter { !columns.contains(classNamespace[$0]) }
        var keyRepresentative: [Int32: Int] = [:]
        for destination in destinations where keyRepresentative[index.ingressKey[destination]] == nil {
            keyRepresentative[index.ingressKey[destination]] = destination
        }
        let keys = Array(keyRepresentative)
        typealias Part = (memo: SideMemo, cells: [(row: Int, column: Int, allowed: Int, ports: Int32)])
        var parts = [Part?](repeating: nil, count: sources.count)
        parts.withUnsafeMutableBufferPointer { results in
            jobs.forEachRange(sources.count, minimum: 1) { range in
                let memo = SideMemo(index: index, port: query.port, protocol: query.protocol)
                let splitter = BlockSplitter(index: index)
                for position in range {
                    let source = sources[position]
                    let party = classes[source].party
                    var into: [Int32: Int32] = [:]
                    for (key, representative) in keys {
                        into[key] =
                            key < 0
                            ? SideMemo.everything
                            : memo.side(version.set, subject: classes[representative].party, peer: party, egress: false)
                    }
                    var out: (blockOf: [UInt16], answers: [Int32])?
                    let isolated = !party.pod!.egressTable.policies.isEmpty
                    if isolated, let key = splitter.key(party, egress: true) {
                        out = splitter.split(version.set, party, key, egress: true, memo)
                    }
                    var allowed: [Int: Int] = [:]
                    var ports: [Int: Int32] = [:]
                    let size = classes[source].members.count
                    for destination in destinations {
                        let pairs = size * classes[destination].members.count - (source == destination ? size : 0)
                        if pairs == 0 { continue }
                        let egress: Int32
                        if !isolated {
                            egress = SideMemo.everything
                        } else if let out {
                            egress = out.answers[Int(out.blockOf[destination])]
                        } else {
                            egress = memo.side(version.set, subject: party, peer: classes[destination].party, egress: true)
                        }
                        if egress == SideMemo.nothing { continue }
                        let both = memo.intersection(egress, into[index.ingressKey[destination]]!)
                        if both == SideMemo.nothing { continue }
                        let column = classNamespace[destination]
                        allowed[column, default: 0] += pairs
                        ports[column] = memo.union(ports[column] ?? SideMemo.nothing, both)
                    }
                    results[position] = (
                        memo, allowed.map { (classNamespace[source], $0.key, $0.value, ports[$0.key]!) }
                    )
                }
            }
        }
        for part in parts {
            guard let part else { continue }
            for cell in part.cells { add(cell.row, cell.column, cell.allowed, part.memo[cell.ports]) }
        }
    }

}
