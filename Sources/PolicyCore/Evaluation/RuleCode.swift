/// The rules of one direction as plain values in a few contiguous arrays: what a decision walks.
///
/// Each policy compiles its rules once into a ``RuleCode`` (its template, `policy` 0); a pod's
/// ``RuleTable`` is the concatenation of the templates of its applicable policies in evaluation
/// order, so one direction of one decision reads a handful of arrays from the front, never a graph
/// of objects. Selectors are small programs over interned label ids (``SelectorOp``). Rules that
/// can never decide a TCP/UDP/SCTP connection (Log, ICMP criteria, a source port) are left out;
/// the kept ones carry their index in the policy for the explanation.
struct RuleCode: Sendable {
    var rules: [FlatRule] = []
    var ports: [FlatPort] = []
    var peers: [FlatPeer] = []
    var entities: [FlatEntity] = []
    var code: [SelectorOp] = []
    var cidrs: [CIDR] = []
    var blocks: [NetworkPolicy.IPBlock] = []
    var strings: [String] = []

    /// Appends another policy's template as policy `policy` of this table, moving its indices.
    mutating func append(_ other: RuleCode, policy: UInt32) {
        let portBase = UInt32(ports.count)
        let peerBase = UInt32(peers.count)
        let entityBase = UInt32(entities.count)
        let codeBase = Int32(code.count)
        let cidrBase = UInt32(cidrs.count)
        let blockBase = Int32(blocks.count)
        let stringBase = UInt32(strings.count)
        for var rule in other.rules {
            rule.policy = policy
            rule.ports = rule.ports.moved(by: portBase)
            rule.notPorts = rule.notPorts.moved(by: portBase)
            rule.peers = rule.peers.moved(by: peerBase)
            rule.source += entityBase
            rule.destination += entityBase
            rules.append(rule)
        }
        for var port in other.ports {
            port.name += stringBase
            ports.append(port)
        }
        for var peer in other.peers {
            if peer.block >= 0 { peer.block += blockBase }
            if peer.namespaceSelector >= 0 { peer.namespaceSelector += codeBase }
            if peer.podSelector >= 0 { peer.podSelector += codeBase }
            peers.append(peer)
        }
        for var entity in other.entities {
            entity.nets = entity.nets.moved(by: cidrBase)
            entity.notNets = entity.notNets.moved(by: cidrBase)
            if entity.selector >= 0 { entity.selector += codeBase }
            if entity.notSelector >= 0 { entity.notSelector += codeBase }
            if entity.scope >= 0 { entity.scope += codeBase }
            entities.append(entity)
        }
        for op in other.code {
            if case .text(let test, let key, let part) = op {
                code.append(.text(test, key: key + stringBase, part: part + stringBase))
            } else {
                code.append(op)
            }
        }
        cidrs.append(contentsOf: other.cidrs)
        blocks.append(contentsOf: other.blocks)
        strings.append(contentsOf: other.strings)
    }
}

/// A half-open range of indices into one of the arrays of a ``RuleCode``.
struct Span32: Sendable {
    var start: UInt32
    var end: UInt32

    static let empty = Span32(start: 0, end: 0)
    var isEmpty: Bool { start == end }
    var range: Range<Int> { Int(start)..<Int(end) }
    func moved(by base: UInt32) -> Span32 { Span32(start: start + base, end: end + base) }
}

/// One rule that can decide. Kubernetes rules use `ports` and `peers`; Calico rules the rest.
struct FlatRule: Sendable {
    /// The policy's position in the table's `policies`.
    var policy: UInt32
    /// The rule's index among its policy's rules for this direction.
    var index: UInt32
    var action: CalicoPolicy.Action
    var isCalico: Bool
    /// Kubernetes: port entries (empty: every port). Calico: destination ports (empty: every port).
    var ports: Span32
    /// Calico destination notPorts.
    var notPorts: Span32
    /// Kubernetes peers (empty: every peer).
    var peers: Span32
    /// Calico source and destination entities.
    var source: UInt32
    var destination: UInt32
    /// Calico protocol numbers; ``FlatRule/none`` when absent.
    var requiredProtocol: UInt16
    var excludedProtocol: UInt16
    /// 4, 6, or 0 when absent.
    var ipVersion: UInt8

    static let none: UInt16 = 0x100
}

/// A port entry: a Kubernetes one carries its protocol; a Calico one is matched under the rule's.
struct FlatPort: Sendable {
    enum Kind: UInt8, Sendable {
        case any
        case range
        case named
    }

    var kind: Kind
    /// Kubernetes: the entry's protocol; nil for Calico entries.
    var `protocol`: TransportProtocol?
    var low: Int32
    var high: Int32
    /// For a named port: its index in `strings`.
    var name: UInt32
}

/// One Kubernetes peer: an ipBlock, or namespace and pod selectors (programs' starts, -1 when absent).
struct FlatPeer: Sendable {
    var block: Int32
    /// -1: the peer is confined to the policy's namespace.
    var namespaceSelector: Int32
    /// -1: every pod.
    var podSelector: Int32
    /// The policy's namespace id.
    var namespace: UInt32
}

/// One side (source or destination) of a Calico rule.
struct FlatEntity: Sendable {
    var nets: Span32
    var notNets: Span32
    var selector: Int32
    var notSelector: Int32
    /// The namespaceSelector over `pcns.` labels.
    var scope: Int32
    var usesSelectors: Bool
    /// A namespaced policy's namespace id, which scopes a bare selector.
    var namespace: UInt32?
}

/// One instruction of a selector program, in prefix order; composite nodes record their length
/// (themselves included) so evaluation can skip a subtree once the answer is known.
enum SelectorOp: Sendable {
    enum TextTest: UInt8, Sendable {
        case contains
        case startsWith
        case endsWith
    }

    case all
    case has(UInt32)
    case equals(UInt32, UInt32)
    /// A substring test: key and part are indices in `strings`, matched against the pod's Calico labels.
    case text(TextTest, key: UInt32, part: UInt32)
    case not(length: UInt32)
    case and(count: UInt32, length: UInt32)
    case or(count: UInt32, length: UInt32)

    @inline(__always)
    var length: Int {
        switch self {
        case .not(let length), .and(_, let length), .or(_, let length): Int(length)
        default: 1
        }
    }
}

// MARK: - Compiling

extension RuleCode {
    /// The template of one direction of a Kubernetes NetworkPolicy.
    init(kubernetes source: [NetworkPolicy.Rule], namespace: String, interner: inout LabelInterner) {
        let namespaceID = interner.intern(namespace)
        for (index, rule) in source.enumerated() {
            let portStart = UInt32(ports.count)
            for entry in rule.ports {
                switch entry.target {
                case .any: ports.append(FlatPort(kind: .any, protocol: entry.protocol, low: 0, high: 0, name: 0))
                case .number(let low, let high):
                    ports.append(FlatPort(kind: .range, protocol: entry.protocol, low: Int32(low), high: Int32(high), name: 0))
                case .name(let name):
                    ports.append(FlatPort(kind: .named, protocol: entry.protocol, low: 0, high: 0, name: string(name)))
                }
            }
            let peerStart = UInt32(peers.count)
            for peer in rule.peers {
                var flat = FlatPeer(block: -1, namespaceSelector: -1, podSelector: -1, namespace: namespaceID)
                if let block = peer.ipBlock {
                    flat.block = Int32(blocks.count)
                    blocks.append(block)
                } else {
                    if let selector = peer.namespaceSelector { flat.namespaceSelector = compile(selector, &interner) }
                    if let selector = peer.podSelector, !selector.isEverything {
                        flat.podSelector = compile(selector, &interner)
                    }
                }
                peers.append(flat)
            }
            rules.append(
                FlatRule(
                    policy: 0, index: UInt32(index), action: .allow, isCalico: false,
                    ports: Span32(start: portStart, end: UInt32(ports.count)), notPorts: .empty,
                    peers: Span32(start: peerStart, end: UInt32(peers.count)), source: 0, destination: 0,
                    requiredProtocol: FlatRule.none, excludedProtocol: FlatRule.none, ipVersion: 0))
        }
    }

    /// The template of one direction of a Calico policy.
    /// - Parameter origins: the index explanations give each rule (a converted policy's source rule); by default its own.
    init(calico source: [CalicoPolicy.Rule], namespace: String?, origins: [Int]? = nil, interner: inout LabelInterner) {
        let namespaceID = namespace.map { interner.intern($0) }
        for (index, rule) in source.enumerated() {
            // Never decides a TCP/UDP/SCTP connection: Log goes on, ICMP criteria and source ports never hold.
            if rule.action == .log || rule.hasICMP || !rule.source.ports.isEmpty { continue }
            let portSpan = calicoPorts(rule.destination.ports)
            let notPortSpan = calicoPorts(rule.destination.notPorts)
            let sourceEntity = entity(rule.source, namespace: namespaceID, &interner)
            let destinationEntity = entity(rule.destination, namespace: namespaceID, &interner)
            rules.append(
                FlatRule(
                    policy: 0, index: UInt32(origins?[index] ?? index), action: rule.action, isCalico: true, ports: portSpan,
                    notPorts: notPortSpan, peers: .empty, source: sourceEntity, destination: destinationEntity,
                    requiredProtocol: rule.protocol.map(UInt16.init) ?? FlatRule.none,
                    excludedProtocol: rule.notProtocol.map(UInt16.init) ?? FlatRule.none,
                    ipVersion: rule.ipVersion.map { UInt8(truncatingIfNeeded: $0) } ?? 0))
        }
    }

    private mutating func string(_ text: String) -> UInt32 {
        strings.append(text)
        return UInt32(strings.count - 1)
    }

    private mutating func calicoPorts(_ entries: [CalicoPolicy.PortEntry]) -> Span32 {
        let start = UInt32(ports.count)
        for entry in entries {
            switch entry {
            case .range(let low, let high):
                ports.append(FlatPort(kind: .range, protocol: nil, low: Int32(low), high: Int32(high), name: 0))
            case .named(let name): ports.append(FlatPort(kind: .named, protocol: nil, low: 0, high: 0, name: string(name)))
            }
        }
        return Span32(start: start, end: UInt32(ports.count))
    }

    private mutating func entity(
        _ entity: CalicoPolicy.EntityRule, namespace: UInt32?, _ interner: inout LabelInterner
    ) -> UInt32 {
        let netStart = UInt32(cidrs.count)
        cidrs.append(contentsOf: entity.nets)
        let notNetStart = UInt32(cidrs.count)
        cidrs.append(contentsOf: entity.notNets)
        let flat = FlatEntity(
            nets: Span32(start: netStart, end: notNetStart), notNets: Span32(start: notNetStart, end: UInt32(cidrs.count)),
            selector: entity.selector.map { compile($0, &interner) } ?? -1,
            notSelector: entity.notSelector.map { compile($0, &interner) } ?? -1,
            scope: entity.namespaceScope.map { compile($0, &interner) } ?? -1, usesSelectors: entity.usesSelectors,
            namespace: namespace)
        entities.append(flat)
        return UInt32(entities.count - 1)
    }

    /// A Kubernetes label selector as a program: the conjunction of its terms.
    mutating func compile(_ selector: LabelSelector, _ interner: inout LabelInterner) -> Int32 {
        let start = code.count
        code.append(.and(count: UInt32(selector.matchLabels.count + selector.requirements.count), length: 0))
        for key in selector.matchLabels.keys.sorted() {
            code.append(.equals(interner.intern(key), interner.intern(selector.matchLabels[key]!)))
        }
        for requirement in selector.requirements {
            switch requirement.operator {
            case .in: emitAny(requirement.key, requirement.values, &interner)
            case .notIn: negate { $0.emitAny(requirement.key, requirement.values, &interner) }
            case .exists: code.append(.has(interner.intern(requirement.key)))
            case .doesNotExist: negate { $0.code.append(.has(interner.intern(requirement.key))) }
            }
        }
        fixLength(at: start)
        return Int32(start)
    }

    /// A Calico selector as a program.
    mutating func compile(_ selector: CalicoSelector, _ interner: inout LabelInterner) -> Int32 {
        let start = code.count
        emit(selector, &interner)
        return Int32(start)
    }

    private mutating func emit(_ selector: CalicoSelector, _ interner: inout LabelInterner) {
        switch selector {
        case .all, .global: code.append(.all)
        case .has(let key): code.append(.has(interner.intern(key)))
        case .equals(let key, let value): code.append(.equals(interner.intern(key), interner.intern(value)))
        case .notEquals(let key, let value):
            negate { $0.code.append(.equals(interner.intern(key), interner.intern(value))) }
        case .in(let key, let values): emitAny(key, values, &interner)
        case .notIn(let key, let values): negate { $0.emitAny(key, values, &interner) }
        case .contains(let key, let part): code.append(.text(.contains, key: string(key), part: string(part)))
        case .startsWith(let key, let part): code.append(.text(.startsWith, key: string(key), part: string(part)))
        case .endsWith(let key, let part): code.append(.text(.endsWith, key: string(key), part: string(part)))
        case .not(let inner): negate { $0.emit(inner, &interner) }
        case .and(let operands):
            let start = code.count
            code.append(.and(count: UInt32(operands.count), length: 0))
            for operand in operands { emit(operand, &interner) }
            fixLength(at: start)
        case .or(let operands):
            let start = code.count
            code.append(.or(count: UInt32(operands.count), length: 0))
            for operand in operands { emit(operand, &interner) }
            fixLength(at: start)
        }
    }

    /// `key` has one of `values` (none: false).
    private mutating func emitAny(_ key: String, _ values: Set<String>, _ interner: inout LabelInterner) {
        let keyID = interner.intern(key)
        if values.count == 1, let value = values.first {
            code.append(.equals(keyID, interner.intern(value)))
            return
        }
        let start = code.count
        code.append(.or(count: UInt32(values.count), length: 0))
        for value in values.sorted() { code.append(.equals(keyID, interner.intern(value))) }
        fixLength(at: start)
    }

    private mutating func negate(_ body: (inout RuleCode) -> Void) {
        let start = code.count
        code.append(.not(length: 0))
        body(&self)
        fixLength(at: start)
    }

    private mutating func fixLength(at start: Int) {
        let length = UInt32(code.count - start)
        switch code[start] {
        case .not: code[start] = .not(length: length)
        case .and(let count, _): code[start] = .and(count: count, length: length)
        case .or(let count, _): code[start] = .or(count: count, length: length)
        default: break
        }
    }
}
