/// The namespace matrix without a walk per pair of classes.
///
/// One side of a pair depends on the other class only through which of its table's rules'
/// criteria that class meets. So for each destination key (ingress table, its own Calico bits,
/// family, named ports), the source classes fall into a few blocks with one ingress answer each,
/// found with whole-bitset operations on the rule columns; likewise for each isolated source, the
/// destination classes fall into blocks with one egress answer. Sources whose egress is not
/// isolated (most pods, in most clusters) then count per block and namespace at once; only pairs
/// of an isolated source and a destination are looked at one by one, as two byte lookups and an
/// intersection of answer ids. Exact by construction: the blocks are classes of equal criteria,
/// and `ConnectivityAgreementTests` compare the cells with the pod pairs `decide` allows.
extension ClassPairs {
    typealias MatrixCell = (allowed: Int, ports: ProtocolPorts)

    /// Cells per (source namespace, destination namespace), by position in `index.namespaces`; nil
    /// when a table splits classes into more blocks than a byte numbers (then pairs are walked).
    /// - Parameter columns: only these destination namespaces (nil: all); other columns stay empty.
    func namespaceCellsByBlocks(_ classNamespace: [Int], namespaceCount: Int, columns: Set<Int>? = nil) -> [[MatrixCell]]? {
        let classes = index.classes
        let classCount = classes.count
        guard classCount > 0 else { return [] }
        let memo = self.memo()
        let sizes = classes.map(\.members.count)

        let isolated = (0..<classCount).filter { !classes[$0].party.pod!.egressTable.policies.isEmpty }
        var isolatedIndex = [Int32](repeating: -1, count: classCount)
        for (position, item) in isolated.enumerated() { isolatedIndex[item] = Int32(position) }
        let inScope = classes.map { self.inScope($0.namespace) }
        let scopeRows = index.namespaces.map { self.inScope($0) }

        let splitter = BlockSplitter(index: index)
        typealias SideKey = BlockSplitter.SideKey
        func key(_ item: Int, egress: Bool) -> SideKey? { splitter.key(classes[item].party, egress: egress) }
        func split(_ subject: Int, _ key: SideKey, egress: Bool, _ memo: SideMemo) -> (blockOf: [UInt16], answers: [Int32])? {
            splitter.split(set, classes[subject].party, key, egress: egress, memo)
        }

        // Egress blocks of each isolated source's key: for each destination, its block's answer.
        var outKeys: [SideKey: Int] = [:]
        // Flat: one run of classCount block numbers per key, and each key's answers from an offset.
        var outBlocks: [UInt16] = []
        var outAnswers: [Int32] = []
        var outAnswerStart: [Int] = []
        var outKeyOf = [Int32](repeating: -1, count: classCount)
        for source in isolated {
            guard let key = key(source, egress: true) else { return nil }
            if let found = outKeys[key] {
                outKeyOf[source] = Int32(found)
                continue
            }
            guard let (blockOf, answers) = split(source, key, egress: true, memo) else { return nil }
            outKeys[key] = outAnswerStart.count
            outKeyOf[source] = Int32(outAnswerStart.count)
            outBlocks.append(contentsOf: blockOf)
            outAnswerStart.append(outAnswers.count)
            outAnswers.append(contentsOf: answers)
        }

        // Per destination key: open sources count per block; isolated ones pair by pair.
        var inKeys: [SideKey: [Int]] = [:]
        for destination in 0..<classCount where columns?.contains(classNamespace[destination]) ?? true {
            guard let key = key(destination, egress: false) else { return nil }
            inKeys[key, default: []].append(destination)
        }
        // In parallel over destination keys, each job with its own copy of the memo (same ids so
        // far) and its own cells; the cells are added up as port sets at the end.
        let keys = Array(inKeys)
        typealias Part = (allowed: [Int], ports: [Int32], memo: SideMemo, failed: Bool)
        var parts = [Part?](repeating: nil, count: keys.count)
        parts.withUnsafeMutableBufferPointer { out in
            jobs.forEachRange(keys.count, minimum: 16) { range in
                let memo = memo.copy()
                var allowed = [Int](repeating: 0, count: namespaceCount * namespaceCount)
                var ports = [Int32](repeating: SideMemo.nothing, count: namespaceCount * namespaceCount)
                var failed = false
                var weight = [Int](repeating: 0, count: namespaceCount)
                var union = [Int32](repeating: SideMemo.nothing, count: namespaceCount)
                outBlocks.withUnsafeBufferPointer { outBlocks in
                    outAnswers.withUnsafeBufferPointer { outAnswers in
                        for position in range where !failed {
                            let (key, destinations) = keys[position]
                            guard let (blockOf, answers) = split(destinations[0], key, egress: false, memo) else {
                                failed = true
                                break
                            }
                            // Open sources: pods with anything allowed, and the union of what, per namespace.
                            for row in 0..<namespaceCount {
                                weight[row] = 0
                                union[row] = SideMemo.nothing
                            }
                            for source in 0..<classCount where isolatedIndex[source] < 0 {
                                let answer = answers[Int(blockOf[source])]
                                if answer == SideMemo.nothing { continue }
                                let row = classNamespace[source]
                                weight[row] += sizes[source]
                                union[row] = memo.union(union[row], answer)
                            }
                            for destination in destinations {
                                let column = classNamespace[destination]
                                let wide = inScope[destination]
                                let selfOpen =
                                    isolatedIndex[destination] < 0 && answers[Int(blockOf[destination])] != SideMemo.nothing
                                for row in 0..<namespaceCount where weight[row] > 0 {
                                    guard wide || scopeRows[row] else { continue }
                                    var pairs = weight[row] * sizes[destination]
                                    if selfOpen && row == column { pairs -= sizes[destination] }
                                    if pairs == 0 { continue }
                                    allowed[row * namespaceCount + column] += pairs
                                    ports[row * namespaceCount + column] = memo.union(
                                        ports[row * namespaceCount + column], union[row])
                                }
                            }
                            for source in isolated {
                                let into = answers[Int(blockOf[source])]
                                if into == SideMemo.nothing { continue }
                                let outKey = Int(outKeyOf[source])
                                let base = outKey * classCount
                                let start = outAnswerStart[outKey]
                                let row = classNamespace[source]
                                for destination in destinations {
                                    let out = outAnswers[start + Int(outBlocks[base + destination])]
                                    if out == SideMemo.nothing { continue }
                                    guard inScope[source] || inScope[destination] else { continue }
                                    let both = memo.intersection(out, into)
                                    if both == SideMemo.nothing { continue }
                                    let pairs = sizes[source] * sizes[destination] - (source == destination ? sizes[source] : 0)
                                    if pairs == 0 { continue }
                                    let cell = row * namespaceCount + classNamespace[destination]
                                    allowed[cell] += pairs
                                    ports[cell] = memo.union(ports[cell], both)
                                }
                            }
                        }
                    }
                }
                out[range.lowerBound] = (allowed, ports, memo, failed)
            }
        }
        var allowed = [[Int]](repeating: [Int](repeating: 0, count: namespaceCount), count: namespaceCount)
        var cellPorts = [[ProtocolPorts]](
            repeating: [ProtocolPorts](repeating: .none, count: namespaceCount), count: namespaceCount)
        for part in parts {
            guard let part else { continue }
            if part.failed { return nil }
            for row in 0..<namespaceCount {
                for column in 0..<namespaceCount where part.allowed[row * namespaceCount + column] > 0 {
                    allowed[row][column] += part.allowed[row * namespaceCount + column]
                    cellPorts[row][column] = cellPorts[row][column].union(part.memo[part.ports[row * namespaceCount + column]])
                }
            }
        }
        return (0..<namespaceCount).map { row in
            (0..<namespaceCount).map { column in (allowed[row][column], cellPorts[row][column]) }
        }
    }
}
