/// Every allowed connection in a scope, grouped by pod, workload or namespace: computed over pod
/// classes (see ``ConnectivityIndex``), so its cost grows with the shapes of pods, not their pairs.
extension CompiledPolicySet {
    /// The answer to a connectivity question, produced in pieces as it is read.
    /// - Parameter limit: the most entries an answer may list; above it the question must be narrowed.
    /// - Throws: ``DecisionError`` for an unknown namespace, a bad port, or an answer over `limit`.
    public func connectivity(
        _ query: ConnectivityQuery, index: ConnectivityIndex, limit: Int, jobs: JobRunner = .sequential
    ) throws(DecisionError) -> ConnectivityAnswer {
        let scope = try query.checkedScope { namespaces[$0] != nil }
        let pairs = ClassPairs(set: self, index: index, query: query, scope: scope, jobs: jobs)
        let producer: () -> [ConnectivityEntry]?
        switch query.groupBy {
        case .pod: producer = try pairs.podEntries(limit: limit)
        case .workload: producer = try pairs.workloadEntries(limit: limit)
        case .namespace: producer = try pairs.namespaceEntries(limit: limit)
        }
        return ConnectivityAnswer(revision: revision, groupBy: query.groupBy, producer: producer)
    }
}

/// A connectivity answer read in pieces: each ``next()`` returns the next entries (for one source,
/// usually), nil after the last. One reader at a time: the producer keeps its place between calls.
public final class ConnectivityAnswer: @unchecked Sendable {
    public let revision: Int64
    public let groupBy: ConnectivityQuery.Grouping
    private var producer: () -> [ConnectivityEntry]?

    init(revision: Int64, groupBy: ConnectivityQuery.Grouping, producer: @escaping () -> [ConnectivityEntry]?) {
        self.revision = revision
        self.groupBy = groupBy
        self.producer = producer
    }

    public func next() -> [ConnectivityEntry]? { producer() }

    /// Every entry at once, for callers that need the whole list (tests, small answers).
    public func all() -> [ConnectivityEntry] {
        var result: [ConnectivityEntry] = []
        while let piece = next() { result.append(contentsOf: piece) }
        return result
    }
}

/// The answers between classes a question needs, and the three groupings built on them.
struct ClassPairs {
    let set: CompiledPolicySet
    let index: ConnectivityIndex
    let query: ConnectivityQuery
    /// Namespaces in scope; nil: all.
    let scope: Set<String>?
    let jobs: JobRunner

    func inScope(_ namespace: String) -> Bool { scope?.contains(namespace) ?? true }

    func memo() -> SideMemo { SideMemo(index: index, port: query.port, protocol: query.protocol) }

    /// For each source class, the ports towards each destination class (as ids into `table`), in parallel.
    func rows(_ sources: [Int], _ destinations: [Int]) -> (rows: [[Int32]], table: [ProtocolPorts]) {
        var rows = [[Int32]](repeating: [], count: sources.count)
        var memos = [SideMemo?](repeating: nil, count: sources.count)
        rows.withUnsafeMutableBufferPointer { out in
            memos.withUnsafeMutableBufferPointer { memoOut in
                jobs.forEachRange(sources.count, minimum: 4) { range in
                    let memo = self.memo()
                    for position in range {
                        let source = index.classes[sources[position]].party
                        var row = [Int32](repeating: 0, count: destinations.count)
                        for (column, destination) in destinations.enumerated() {
                            row[column] = memo.pair(set, from: source, to: index.classes[destination].party)
                        }
                        out[position] = row
                        memoOut[position] = memo
                    }
                }
            }
        }
        // One table for all: the jobs' ids renumbered into one.
        let merged = self.memo()
        var remaps: [ObjectIdentifier: [Int32]] = [:]
        for (position, memo) in memos.enumerated() {
            guard let memo else { continue }
            let key = ObjectIdentifier(memo)
            if remaps[key] == nil { remaps[key] = memo.values.map(merged.id) }
            let remap = remaps[key]!
            rows[position] = rows[position].map { remap[Int($0)] }
        }
        return (rows, merged.values)
    }

    /// The ports between one party and every address piece, merged into CIDRs.
    func addressEntries(_ party: Party, outbound: Bool, memo: SideMemo) -> [(cidr: CIDR, ports: ProtocolPorts)] {
        AddressMerge.answers(set, index, party, outbound: outbound, memo: memo)
    }

    private func tooLarge(_ count: Int, _ limit: Int) -> DecisionError {
        DecisionError(
            kind: .invalid, field: "groupBy",
            message:
                "the answer lists more than \(limit) connections (--max-connections): narrow it with namespace=, "
                + "or group with groupBy=workload or groupBy=namespace")
    }

    // MARK: Pods

    /// The answers between the class pairs a scoped question can list: from a class in scope to
    /// any class, and from any class to one in scope. Computed in the request (on its own thread,
    /// in the heavy-work line) before anything is sent, so a streamed body only looks answers up.
    struct ScopedTable {
        let wide: [[Int32]]
        let wideTable: [ProtocolPorts]
        let narrow: [[Int32]]
        let narrowTable: [ProtocolPorts]
        let rowOf: [Int]
        let columnOf: [Int]
        let scoped: [Bool]

        /// What `from` allows towards `to` (at least one of the two in scope); id 0 is nothing.
        func id(_ from: Int, _ to: Int) -> Int32 {
            scoped[from] ? wide[rowOf[from]][to] : narrow[rowOf[from]][columnOf[to]]
        }

        func ports(_ from: Int, _ to: Int) -> ProtocolPorts {
            scoped[from] ? wideTable[Int(wide[rowOf[from]][to])] : narrowTable[Int(narrow[rowOf[from]][columnOf[to]])]
        }
    }

    /// Bounded, so a cluster of many pod shapes cannot make the table gigabytes: past the bound the
    /// question must be narrowed.
    func scopedPairs() throws(DecisionError) -> ScopedTable {
        let classCount = index.classes.count
        let scoped = index.classes.map { inScope($0.namespace) }
        let scopedClasses = (0..<classCount).filter { scoped[$0] }
        let otherClasses = (0..<classCount).filter { !scoped[$0] }
        let cells = scopedClasses.count * classCount + otherClasses.count * scopedClasses.count
        guard cells <= 16_000_000 else {
            throw DecisionError(
                kind: .invalid, field: "groupBy",
                message:
                    "groupBy=\(query.groupBy.rawValue) over \(scopedClasses.count) distinct pod shapes needs \(cells) class "
                    + "pairs (at most 16,000,000): narrow it with namespace=, or group with groupBy=namespace")
        }
        let (wide, wideTable) = rows(scopedClasses, Array(0..<classCount))
        let (narrow, narrowTable) = rows(otherClasses, scopedClasses)
        var rowOf = [Int](repeating: -1, count: classCount)
        for (position, item) in scopedClasses.enumerated() { rowOf[item] = position }
        for (position, item) in otherClasses.enumerated() { rowOf[item] = position }
        var columnOf = [Int](repeating: -1, count: classCount)
        for (position, item) in scopedClasses.enumerated() { columnOf[item] = position }
        return ScopedTable(
            wide: wide, wideTable: wideTable, narrow: narrow, narrowTable: narrowTable, rowOf: rowOf, columnOf: columnOf,
            scoped: scoped)
    }

    func podEntries(limit: Int) throws(DecisionError) -> () -> [ConnectivityEntry]? {
        let table = try scopedPairs()
        let classCount = index.classes.count
        let memo = self.memo()
        // Address answers of each class in scope, both ways, made once.
        var outward: [[(cidr: CIDR, ports: ProtocolPorts)]] = Array(repeating: [], count: classCount)
        var inward: [[(cidr: CIDR, ports: ProtocolPorts)]] = Array(repeating: [], count: classCount)
        if query.externals {
            for item in 0..<classCount where table.scoped[item] {
                outward[item] = addressEntries(index.classes[item].party, outbound: true, memo: memo)
                inward[item] = addressEntries(index.classes[item].party, outbound: false, memo: memo)
            }
        }
        // The length of the answer, from the table: refused before anything is written.
        var count = 0
        for source in 0..<classCount {
            let sourceSize = index.classes[source].members.count
            for destination in 0..<classCount where table.scoped[source] || table.scoped[destination] {
                if table.id(source, destination) == 0 { continue }
                count += sourceSize * index.classes[destination].members.count - (source == destination ? sourceSize : 0)
            }
            count += sourceSize * (outward[source].count + inward[source].count)
            if count > limit { throw tooLarge(count, limit) }
        }

        var position = 0
        var addressPosition = 0
        var pending: [ConnectivityEntry] = []
        let scopedNamespaces = index.namespaces.map(inScope)
        return {
            // One source pod's entries at a time, in pod order; then address ranges towards pods.
            while position < index.podOrder.count {
                let sourcePosition = position
                position += 1
                let source = Int(index.podClass[sourcePosition])
                let sourceName = index.podNames[sourcePosition]
                let wide = table.scoped[source]
                pending.removeAll(keepingCapacity: true)
                for (number, span) in index.namespaceSpan.enumerated() where wide || scopedNamespaces[number] {
                    for other in span where other != sourcePosition {
                        let id = table.id(source, Int(index.podClass[other]))
                        if id != 0 {
                            pending.append(
                                ConnectivityEntry(
                                    from: sourceName, to: index.podNames[other],
                                    ports: table.ports(source, Int(index.podClass[other]))))
                        }
                    }
                }
                for (cidr, ports) in outward[source] {
                    pending.append(ConnectivityEntry(from: sourceName, to: cidr.description, ports: ports))
                }
                if !pending.isEmpty { return pending }
            }
            while addressPosition < index.podOrder.count {
                let destination = addressPosition
                addressPosition += 1
                let entries = inward[Int(index.podClass[destination])].map {
                    ConnectivityEntry(from: $0.cidr.description, to: index.podNames[destination], ports: $0.ports)
                }
                if !entries.isEmpty { return entries }
            }
            return nil
        }
    }

    // MARK: Workloads

    func workloadEntries(limit: Int) throws(DecisionError) -> () -> [ConnectivityEntry]? {
        // Each workload's pods, by class: a pair of workloads allows what every pair of their pods allows.
        var membersByName: [String: [Int: Int]] = [:]
        var namespaceOf: [String: String] = [:]
        for (position, item) in index.classes.enumerated() {
            for member in item.members {
                let name = index.workloadOfPod[member] ?? "\(member.namespace)/\(member.name)[Pod]"
                membersByName[name, default: [:]][position, default: 0] += 1
                namespaceOf[name] = item.namespace
            }
        }
        let names = membersByName.keys.sorted()
        let scoped = names.filter { inScope(namespaceOf[$0]!) }
        let bound = scoped.count * names.count * 2
        if bound > limit && names.count > 4096 { throw tooLarge(bound, limit) }

        let table = try scopedPairs()
        func ports(_ from: Int, _ to: Int) -> ProtocolPorts { table.ports(from, to) }
        let groups = names.map { membersByName[$0]! }
        func between(_ source: Int, _ destination: Int) -> ProtocolPorts {
            var result = ProtocolPorts.all
            var any = false
            for (from, fromCount) in groups[source] {
                for (to, toCount) in groups[destination] {
                    if source == destination && from == to && fromCount == 1 && toCount == 1 { continue }
                    any = true
                    let found = ports(from, to)
                    if found.isEmpty { return .none }
                    result = result.intersection(found)
                }
            }
            return any ? result : .none
        }

        // Entries by source workload; counted first when the bound says the answer may be too long.
        let memo = self.memo()
        func outward(_ source: Int) -> [ConnectivityEntry] {
            let name = names[source]
            let wide = inScope(namespaceOf[name]!)
            var entries: [ConnectivityEntry] = []
            for destination in names.indices where wide || inScope(namespaceOf[names[destination]]!) {
                let ports = between(source, destination)
                if !ports.isEmpty { entries.append(ConnectivityEntry(from: name, to: names[destination], ports: ports)) }
            }
            if wide && query.externals {
                for (cidr, ports) in groupAddresses(groups[source], outbound: true, memo: memo) {
                    entries.append(ConnectivityEntry(from: name, to: cidr.description, ports: ports))
                }
            }
            return entries
        }
        func inward(_ destination: Int) -> [ConnectivityEntry] {
            groupAddresses(groups[destination], outbound: false, memo: memo).map {
                ConnectivityEntry(from: $0.cidr.description, to: names[destination], ports: $0.ports)
            }
        }
        if bound > limit {
            var count = 0
            for source in names.indices {
                count += outward(source).count
                if query.externals, inScope(namespaceOf[names[source]]!) { count += inward(source).count }
                if count > limit { throw tooLarge(count, limit) }
            }
        }
        var next = 0
        var addressNext = 0
        return {
            while next < names.count {
                let entries = outward(next)
                next += 1
                if !entries.isEmpty { return entries }
            }
            guard query.externals else { return nil }
            while addressNext < names.count {
                let position = addressNext
                addressNext += 1
                guard inScope(namespaceOf[names[position]]!) else { continue }
                let entries = inward(position)
                if !entries.isEmpty { return entries }
            }
            return nil
        }
    }

    /// Address ranges every pod of a group can reach (or be reached from), with the common ports.
    private func groupAddresses(_ group: [Int: Int], outbound: Bool, memo: SideMemo) -> [(cidr: CIDR, ports: ProtocolPorts)] {
        var answers = [ProtocolPorts](repeating: .all, count: index.atoms.count)
        for (item, _) in group {
            let party = index.classes[item].party
            for (position, atom) in index.atoms.enumerated() where !answers[position].isEmpty {
                let ports = memo[
                    outbound ? memo.pair(set, from: party, to: atom.party) : memo.pair(set, from: atom.party, to: party)]
                answers[position] = answers[position].intersection(ports)
            }
        }
        return AddressMerge.cidrs(index.atoms.map(\.range), answers)
    }

    // MARK: Namespaces

    func namespaceEntries(limit: Int) throws(DecisionError) -> () -> [ConnectivityEntry]? {
        let names = index.namespaces
        let count = names.count
        var position: [String: Int] = [:]
        for (offset, name) in names.enumerated() { position[name] = offset }
        let classNamespace = index.classes.map { position[$0.namespace]! }
        let sizes = names.map { index.podsByNamespace[$0]?.count ?? 0 }

        let matrix =
            namespaceCellsByBlocks(classNamespace, namespaceCount: count)
            ?? namespaceCellsByPairs(classNamespace, namespaceCount: count)
        var entries: [ConnectivityEntry] = []
        for row in 0..<count {
            for column in 0..<count where matrix[row][column].allowed > 0 {
                let total = sizes[row] * sizes[column] - (row == column ? sizes[row] : 0)
                entries.append(
                    ConnectivityEntry(
                        from: names[row], to: names[column], ports: matrix[row][column].ports,
                        allowedPairs: matrix[row][column].allowed, totalPairs: total))
            }
        }
        if query.externals {
            let memo = self.memo()
            for outbound in [true, false] {
                for (row, name) in names.enumerated() where inScope(name) {
                    for entry in namespaceAddresses(name, size: sizes[row], outbound: outbound, memo: memo) {
                        entries.append(entry)
                    }
                }
            }
        }
        if entries.count > limit { throw tooLarge(entries.count, limit) }
        var done = false
        return {
            if done { return nil }
            done = true
            return entries
        }
    }

    /// The matrix by visiting every pair of classes: the fallback of ``namespaceCellsByBlocks(_:namespaceCount:)``.
    func namespaceCellsByPairs(_ classNamespace: [Int], namespaceCount count: Int) -> [[MatrixCell]] {
        let classCount = index.classes.count
        // Per source class and in parallel: pod pairs allowed and the union of ports (as ids of
        // the job's memo), per destination namespace; then summed per namespace pair.
        typealias Cell = (allowed: Int, ports: Int32)
        var perClass = [[Cell]](repeating: [], count: classCount)
        var memos = [SideMemo?](repeating: nil, count: classCount)
        perClass.withUnsafeMutableBufferPointer { out in
            memos.withUnsafeMutableBufferPointer { memoOut in
                jobs.forEachRange(classCount, minimum: 4) { range in
                    let memo = self.memo()
                    for source in range {
                        let item = index.classes[source]
                        let wide = inScope(item.namespace)
                        var cells = [Cell](repeating: (0, SideMemo.nothing), count: count)
                        for destination in 0..<classCount {
                            let other = index.classes[destination]
                            guard wide || inScope(other.namespace) else { continue }
                            let ports = memo.pair(set, from: item.party, to: other.party)
                            if ports == SideMemo.nothing { continue }
                            let pairs =
                                item.members.count * other.members.count - (source == destination ? item.members.count : 0)
                            if pairs == 0 { continue }
                            let column = classNamespace[destination]
                            cells[column].allowed += pairs
                            cells[column].ports = memo.union(cells[column].ports, ports)
                        }
                        out[source] = cells
                        memoOut[source] = memo
                    }
                }
            }
        }
        typealias Total = (allowed: Int, ports: ProtocolPorts)
        var matrix = [[Total]](repeating: [Total](repeating: (0, .none), count: count), count: count)
        for source in 0..<classCount {
            guard let memo = memos[source] else { continue }
            let row = classNamespace[source]
            for (column, cell) in perClass[source].enumerated() where cell.allowed > 0 {
                matrix[row][column].allowed += cell.allowed
                matrix[row][column].ports = matrix[row][column].ports.union(memo[cell.ports])
            }
        }
        return matrix
    }

    /// A namespace towards (or from) the address ranges: per range, how many of its pods have
    /// anything allowed and the union of their ports; neighbouring ranges alike are one entry.
    private func namespaceAddresses(_ namespace: String, size: Int, outbound: Bool, memo: SideMemo) -> [ConnectivityEntry] {
        var allowed = [Int](repeating: 0, count: index.atoms.count)
        var union = [ProtocolPorts](repeating: .none, count: index.atoms.count)
        for item in index.classes where item.namespace == namespace {
            for (position, atom) in index.atoms.enumerated() {
                let ports = memo[
                    outbound ? memo.pair(set, from: item.party, to: atom.party) : memo.pair(set, from: atom.party, to: item.party)
                ]
                if ports.isEmpty { continue }
                allowed[position] += item.members.count
                union[position] = union[position].union(ports)
            }
        }
        var entries: [ConnectivityEntry] = []
        var start = 0
        while start < index.atoms.count {
            var end = start
            while end + 1 < index.atoms.count, index.atoms[end + 1].range.isIPv4 == index.atoms[start].range.isIPv4,
                allowed[end + 1] == allowed[start], union[end + 1] == union[start]
            {
                end += 1
            }
            if allowed[start] > 0 {
                let first = index.atoms[start].range
                let range = AddressRange(isIPv4: first.isIPv4, low: first.low, high: index.atoms[end].range.high)
                for cidr in range.cidrs {
                    let text = cidr.description
                    entries.append(
                        ConnectivityEntry(
                            from: outbound ? namespace : text, to: outbound ? text : namespace, ports: union[start],
                            allowedPairs: allowed[start], totalPairs: size))
                }
            }
            start = end + 1
        }
        return entries
    }
}
