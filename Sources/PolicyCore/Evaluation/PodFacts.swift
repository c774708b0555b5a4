/// What selectors and rules see of one pod, stored or hypothetical: its namespace and labels, its
/// namespace's labels, the labels Calico derives from both, its addresses and named ports.
///
/// A class: decisions pass it around by one reference, and a compiled pod shares it with its views.
/// The three label sets are kept twice: as dictionaries (for compiling, the reference evaluator and
/// Calico's substring operators) and as interned ids in one contiguous array, which is what
/// compiled selector programs read.
final class PodFacts: Sendable {
    let namespace: String
    let labels: [String: String]
    let namespaceLabels: [String: String]
    /// The labels Calico selectors see: inherited `pcns.*`, then the pod's own, then Calico's own keys.
    let calicoLabels: [String: String]
    let ips: [IPAddress]
    let namedPorts: [Pod.NamedPort]
    /// The namespace name's interned id (``LabelInterner/unknown`` for a never-seen name).
    let namespaceID: UInt32
    /// Own labels, then namespace labels, then Calico labels, each run sorted by key id.
    let labelWords: [UInt64]
    private let namespaceStart: Int
    private let calicoStart: Int

    /// A stored pod: interns its namespace and labels.
    /// - Parameter inherited: ``inheritedLabels(namespace:namespaceLabels:)`` when the caller has it
    ///   already (one per namespace, not one per pod, when compiling).
    convenience init(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ips: [IPAddress],
        namedPorts: [Pod.NamedPort], inherited: [String: String]? = nil, interner: inout LabelInterner
    ) {
        self.init(
            namespace: namespace, labels: labels, namespaceLabels: namespaceLabels, ips: ips, namedPorts: namedPorts,
            inherited: inherited, namespaceID: interner.intern(namespace)
        ) { interner.words($0) }
    }

    /// A hypothetical workload: ids are looked up, never added (the compiled set is immutable).
    convenience init(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ips: [IPAddress],
        namedPorts: [Pod.NamedPort], lookingUpIn interner: LabelInterner
    ) {
        self.init(
            namespace: namespace, labels: labels, namespaceLabels: namespaceLabels, ips: ips, namedPorts: namedPorts,
            inherited: nil, namespaceID: interner.lookup(namespace) ?? LabelInterner.unknown
        ) { interner.lookupWords($0) }
    }

    /// A stored pod during a full compile, after ``intern(namespace:namespaceLabels:inherited:into:)``
    /// and its own labels were interned: ids are only looked up, so many pods can be built at once.
    convenience init(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ips: [IPAddress],
        namedPorts: [Pod.NamedPort], inherited: [String: String], interned interner: LabelInterner
    ) {
        self.init(
            namespace: namespace, labels: labels, namespaceLabels: namespaceLabels, ips: ips, namedPorts: namedPorts,
            inherited: inherited, namespaceID: interner.lookup(namespace) ?? LabelInterner.unknown
        ) { interner.lookupWords($0) }
    }

    /// Interns every string a pod of this namespace has besides its own labels: the namespace name,
    /// its labels, the inherited `pcns.*` labels and Calico's own keys.
    static func intern(
        namespace: String, namespaceLabels: [String: String], inherited: [String: String], into interner: inout LabelInterner
    ) {
        _ = interner.intern(namespace)
        for (key, value) in namespaceLabels {
            _ = interner.intern(key)
            _ = interner.intern(value)
        }
        for (key, value) in inherited {
            _ = interner.intern(key)
            _ = interner.intern(value)
        }
        for key in ["projectcalico.org/namespace", "projectcalico.org/orchestrator", "k8s"] { _ = interner.intern(key) }
    }

    private init(
        namespace: String, labels: [String: String], namespaceLabels: [String: String], ips: [IPAddress],
        namedPorts: [Pod.NamedPort], inherited: [String: String]?, namespaceID: UInt32,
        words: ([String: String]) -> [UInt64]
    ) {
        self.namespace = namespace
        self.labels = labels
        self.namespaceLabels = namespaceLabels
        self.ips = ips
        self.namedPorts = namedPorts
        var result = inherited ?? PodFacts.inheritedLabels(namespace: namespace, namespaceLabels: namespaceLabels)
        for (key, value) in labels { result[key] = value }
        result["projectcalico.org/namespace"] = namespace
        result["projectcalico.org/orchestrator"] = "k8s"
        self.calicoLabels = result
        self.namespaceID = namespaceID
        var all = words(labels)
        namespaceStart = all.count
        all += words(namespaceLabels)
        calicoStart = all.count
        all += words(result)
        labelWords = all
    }

    /// The index range of one label set in ``labelWords``.
    @inline(__always)
    func bounds(of segment: LabelSegment) -> Range<Int> {
        switch segment {
        case .own: 0..<namespaceStart
        case .namespace: namespaceStart..<calicoStart
        case .calico: calicoStart..<labelWords.count
        }
    }

    /// The labels a pod inherits from its namespace's Calico profile: `pcns.<key>` and `pcns.projectcalico.org/name`.
    static func inheritedLabels(namespace: String, namespaceLabels: [String: String]) -> [String: String] {
        var result: [String: String] = ["pcns.projectcalico.org/name": namespace]
        for (key, value) in namespaceLabels { result["pcns." + key] = value }
        return result
    }
}
