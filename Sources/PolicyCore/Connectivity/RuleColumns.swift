/// For every rule of every policy, which pod classes and address pieces its criteria accept: a
/// Kubernetes rule's peers, a Calico rule's source and destination entities. One bit per element
/// of the universe (classes, then pieces), computed once per index, so deciding a pair's criteria
/// is a bit lookup per rule instead of running selector programs.
///
/// Cheap to build because criteria are mostly confined: a podSelector peer without a
/// namespaceSelector, or a namespaced Calico policy's selector, can only match classes of one
/// namespace (a contiguous run); a namespaceSelector is tested once per namespace; and rules with
/// the same criteria (the same peer written in many policies) share one column.
final class RuleColumns: Sendable {
    /// Words per column.
    let stride: Int
    private let words: [UInt64]
    /// Per policy and direction, per rule of its template: the peer column (Kubernetes), or the
    /// source and destination entity columns (Calico).
    private let refs: [Key: [Ref]]

    struct Key: Hashable {
        let policy: ObjectIdentifier
        let egress: Bool
    }

    struct Ref: Sendable {
        let first: Int32
        let second: Int32
    }

    /// The policies whose columns are here, kept alive so no other policy can take one's identity.
    private let policies: [ObjectIdentifier: CompiledPolicy]

    convenience init(
        _ set: CompiledPolicySet, classes: [ConnectivityIndex.PodClass], atoms: [ConnectivityIndex.AddressAtom],
        namespaces: [UInt32: Range<Int>]
    ) {
        self.init(Array(set.policies.byKey.values), base: nil, classes: classes, atoms: atoms, namespaces: namespaces)
    }

    /// The columns of `policies` over these classes and pieces, after those of `base` (over the same
    /// universe) whose policies are in `keep`: a policy write adds columns for the written policy only.
    init(
        _ added: [CompiledPolicy], base: (columns: RuleColumns, keep: Set<ObjectIdentifier>)?,
        classes: [ConnectivityIndex.PodClass], atoms: [ConnectivityIndex.AddressAtom], namespaces: [UInt32: Range<Int>]
    ) {
        let width = classes.count + atoms.count
        stride = max(1, (width + 63) / 64)
        let views = classes.map(\.party.view) + atoms.map(\.party.view)
        var builder = Builder(stride: stride, views: views, classCount: classes.count, namespaces: namespaces)
        var refs: [Key: [Ref]] = [:]
        var policies: [ObjectIdentifier: CompiledPolicy] = [:]
        if let (columns, keep) = base {
            builder.words = columns.words
            for (key, list) in columns.refs where keep.contains(key.policy) { refs[key] = list }
            for (key, policy) in columns.policies where keep.contains(key) { policies[key] = policy }
        }
        for policy in added {
            policies[ObjectIdentifier(policy)] = policy
            for egress in [false, true] {
                let table = RuleTable.make([policy], egress: egress)
                if table.code.rules.isEmpty { continue }
                var list: [Ref] = []
                list.reserveCapacity(table.code.rules.count)
                for rule in table.code.rules {
                    if rule.isCalico {
                        list.append(
                            Ref(
                                first: builder.entity(table, Int(rule.source)),
                                second: builder.entity(table, Int(rule.destination))))
                    } else {
                        list.append(Ref(first: builder.peers(table, rule.peers), second: -1))
                    }
                }
                refs[Key(policy: ObjectIdentifier(policy), egress: egress)] = list
            }
        }
        words = builder.words
        self.refs = refs
        self.policies = policies
    }

    /// Whether a policy's columns are here.
    func knows(_ policy: CompiledPolicy) -> Bool { policies[ObjectIdentifier(policy)] != nil }

    /// The number of columns, live or not: grows with every incremental update.
    var columnCount: Int { words.count / stride }

    /// The columns of one policy's rules in one direction, in template order.
    func refs(_ policy: CompiledPolicy, egress: Bool) -> [Ref]? {
        refs[Key(policy: ObjectIdentifier(policy), egress: egress)]
    }

    /// The column of each rule of a table: its policies' template columns, in order; nil when a
    /// policy is not in the index.
    func refs(of table: RuleTable, egress: Bool) -> [Ref]? {
        var result: [Ref] = []
        result.reserveCapacity(table.code.rules.count)
        var policy = -1
        var position = 0
        var template: [Ref] = []
        for rule in table.code.rules {
            if Int(rule.policy) != policy {
                policy = Int(rule.policy)
                position = 0
                guard let found = refs(table.policies[policy], egress: egress) else { return nil }
                template = found
            }
            guard position < template.count else { return nil }
            result.append(template[position])
            position += 1
        }
        return result
    }

    /// Word `word` of a column.
    @inline(__always)
    func word(_ column: Int32, _ word: Int) -> UInt64 {
        words[Int(column) * stride + word]
    }

    @inline(__always)
    func bit(_ column: Int32, _ element: Int32) -> Bool {
        let word = words[Int(column) * stride + Int(element) >> 6]
        return word >> UInt64(element & 63) & 1 == 1
    }

    /// Builds and shares columns.
    private struct Builder {
        let stride: Int
        let views: [EndpointView]
        let classCount: Int
        let namespaces: [UInt32: Range<Int>]
        var words: [UInt64] = []
        var shared: [String: Int32] = [:]

        init(stride: Int, views: [EndpointView], classCount: Int, namespaces: [UInt32: Range<Int>]) {
            self.stride = stride
            self.views = views
            self.classCount = classCount
            self.namespaces = namespaces
        }

        private mutating func column(_ key: String, _ fill: (inout Builder, Int) -> Void) -> Int32 {
            if let found = shared[key] { return found }
            let base = words.count
            words.append(contentsOf: repeatElement(0, count: stride))
            fill(&self, base)
            let id = Int32(base / stride)
            shared[key] = id
            return id
        }

        private mutating func set(_ base: Int, _ element: Int) {
            words[base + element >> 6] |= 1 << UInt64(element & 63)
        }

        /// The classes of the namespaces a selector program takes (run on one pod of each: namespace
        /// labels are the same for all its pods), or without one, of the namespace `only` (nil: all).
        func namespaces(_ table: RuleTable, _ selector: Int32, _ segment: LabelSegment, else only: UInt32?) -> [Range<Int>] {
            namespaces.values.filter { range in
                guard let first = views[range.lowerBound].pod else { return false }
                if selector >= 0 { return table.run(Int(selector), first, segment) }
                return only.map { first.namespaceID == $0 } ?? true
            }
        }

        /// A Kubernetes rule's peers (none: every peer).
        mutating func peers(_ table: RuleTable, _ span: Span32) -> Int32 {
            let code = table.code
            if span.isEmpty {
                return column("*") { builder, base in for element in 0..<builder.views.count { builder.set(base, element) } }
            }
            let key = span.range.map { Self.describe(code.peers[$0], code) }.joined(separator: "||")
            return column(key) { builder, base in
                for position in span.range {
                    let peer = code.peers[position]
                    if peer.block >= 0 {
                        for element in 0..<builder.views.count where table.peerMatches(peer, builder.views[element]) {
                            builder.set(base, element)
                        }
                        continue
                    }
                    // Only pods: of the policy's namespace, or of namespaces its namespaceSelector takes.
                    let ranges = builder.namespaces(table, peer.namespaceSelector, .namespace, else: peer.namespace)
                    for range in ranges {
                        for element in range {
                            if peer.podSelector < 0 || table.run(Int(peer.podSelector), builder.views[element].pod!, .own) {
                                builder.set(base, element)
                            }
                        }
                    }
                }
            }
        }

        /// One side of a Calico rule.
        mutating func entity(_ table: RuleTable, _ position: Int) -> Int32 {
            let code = table.code
            let entity = code.entities[position]
            let key = Self.describe(entity, code)
            return column(key) { builder, base in
                let podsOnly = entity.usesSelectors && (entity.selector >= 0 || entity.scope >= 0 || entity.namespace != nil)
                if !podsOnly {
                    for element in 0..<builder.views.count where table.entityMatches(entity, builder.views[element]) {
                        builder.set(base, element)
                    }
                    return
                }
                // As entityMatches scopes: a namespaceSelector picks namespaces, else the policy's own.
                for range in builder.namespaces(table, entity.scope, .calico, else: entity.namespace) {
                    for element in range where table.entityMatches(entity, builder.views[element]) {
                        builder.set(base, element)
                    }
                }
            }
        }

        /// What decides a peer's matches, as text: equal text, equal column.
        static func describe(_ peer: FlatPeer, _ code: RuleCode) -> String {
            if peer.block >= 0 {
                let block = code.blocks[Int(peer.block)]
                return "b" + block.cidr.description + "-" + block.except.map(\.description).joined(separator: ",")
            }
            let scope = peer.namespaceSelector >= 0 ? program(Int(peer.namespaceSelector), code) : "ns\(peer.namespace)"
            return "p" + scope + "|" + (peer.podSelector >= 0 ? program(Int(peer.podSelector), code) : "*")
        }

        static func describe(_ entity: FlatEntity, _ code: RuleCode) -> String {
            var text = "e" + entity.nets.range.map { code.cidrs[$0].description }.joined(separator: ",")
            text += "!" + entity.notNets.range.map { code.cidrs[$0].description }.joined(separator: ",")
            for start in [entity.selector, entity.notSelector, entity.scope] {
                text += "|" + (start >= 0 ? program(Int(start), code) : "-")
            }
            text += entity.usesSelectors ? "|u" : "|n"
            text += entity.namespace.map { "|\($0)" } ?? "|g"
            return text
        }

        static func program(_ start: Int, _ code: RuleCode) -> String {
            var text = ""
            for pc in start..<(start + code.code[start].length) {
                switch code.code[pc] {
                case .all: text += "A"
                case .has(let key): text += "h\(key)"
                case .equals(let key, let value): text += "e\(key)=\(value)"
                case .text(let test, let key, let part):
                    text += "t\(test.rawValue)\(code.strings[Int(key)].utf8.count):\(code.strings[Int(key)])"
                    text += "\(code.strings[Int(part)].utf8.count):\(code.strings[Int(part)])"
                case .not: text += "!"
                case .and(let count, _): text += "&\(count)"
                case .or(let count, _): text += "/\(count)"
                }
                text += ";"
            }
            return text
        }
    }
}
