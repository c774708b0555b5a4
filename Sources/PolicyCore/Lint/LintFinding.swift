/// One thing the linter (or an import) found worth telling the author of a policy: what, how bad,
/// which object and field, and a one-sentence message that says why it matters.
public struct LintFinding: Sendable, Hashable {
    /// What was found. Each code has one severity (``severity``), so clients can filter on either.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case selectsNoPods = "SelectsNoPods"
        case peerSelectsNothing = "PeerSelectsNothing"
        case namedPortUnresolved = "NamedPortUnresolved"
        case shadowedRule = "ShadowedRule"
        case duplicatePolicy = "DuplicatePolicy"
        case addressBlockCoversPods = "AddressBlockCoversPods"
        case orderTie = "OrderTie"
        case denyAllInDisguise = "DenyAllInDisguise"
        /// An import created a namespace its objects named with only its name label.
        case namespaceImplied = "NamespaceImplied"
        /// An import skipped documents of another product's network-policy kind.
        case kindSkipped = "KindSkipped"

        /// Why each is as severe as it is: docs/ARCHITECTURE.md, "Lint".
        public var severity: Severity {
            switch self {
            case .denyAllInDisguise: .error
            case .selectsNoPods, .peerSelectsNothing, .namedPortUnresolved, .shadowedRule, .addressBlockCoversPods, .orderTie,
                .kindSkipped:
                .warning
            case .duplicatePolicy, .namespaceImplied: .info
            }
        }
    }

    /// Ordered: `info` < `warning` < `error`, so "at or above" is a comparison.
    public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
        case info
        case warning
        case error

        private var rank: Int {
            switch self {
            case .info: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// The object a finding is about, as Kubernetes names objects.
    public struct Object: Sendable, Hashable, Comparable {
        public var apiVersion: String
        public var kind: String
        /// nil for cluster-scoped objects.
        public var namespace: String?
        public var name: String

        public init(apiVersion: String, kind: String, namespace: String?, name: String) {
            self.apiVersion = apiVersion
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }

        /// The object stored under `key`.
        public init(_ key: ObjectKey) {
            self.init(
                apiVersion: key.kind.apiVersion, kind: key.kind.kind, namespace: key.kind.isNamespaced ? key.namespace : nil,
                name: key.name)
        }

        /// Its store key, when it names a kind netpold stores.
        public var key: ObjectKey? {
            ResourceKind(apiVersion: apiVersion, kind: kind).map { ObjectKey(kind: $0, namespace: namespace ?? "", name: name) }
        }

        /// `networkpolicy.networking.k8s.io/shop/web`, as ``ObjectKey`` prints itself.
        public var description: String {
            let group = apiVersion.split(separator: "/").dropLast().first.map { "." + $0 } ?? ""
            let prefix = kind.lowercased() + group
            return namespace.map { "\(prefix)/\($0)/\(name)" } ?? "\(prefix)/\(name)"
        }

        public static func < (lhs: Object, rhs: Object) -> Bool {
            (lhs.namespace ?? "", lhs.name, lhs.kind, lhs.apiVersion) < (rhs.namespace ?? "", rhs.name, rhs.kind, rhs.apiVersion)
        }
    }

    public var code: Code
    public var severity: Severity
    /// nil for findings about an import as a whole (``Code/namespaceImplied``, ``Code/kindSkipped``).
    public var object: Object?
    /// The field path in the object, `spec.ingress[0].from[1]`; nil when the object as a whole is meant.
    public var field: String?
    public var message: String
    /// The other policy of a pairwise finding (``Code/duplicatePolicy``, ``Code/orderTie``): a
    /// write of either one reports it.
    public var related: Object?

    public init(code: Code, object: Object?, field: String?, message: String, related: Object? = nil) {
        self.code = code
        severity = code.severity
        self.object = object
        self.field = field
        self.message = message
        self.related = related
    }

    /// One line for people (the `Warning` header, `netpold apply`):
    /// `networkpolicy.networking.k8s.io/shop/web spec.podSelector: MESSAGE (SelectsNoPods)`; a
    /// severity other than `warning` is named after the code (`(DuplicatePolicy, info)`).
    public var text: String {
        let label = severity == .warning ? code.rawValue : "\(code.rawValue), \(severity.rawValue)"
        return (place.map { $0 + ": " } ?? "") + message + " (\(label))"
    }

    /// `networkpolicy.networking.k8s.io/shop/web spec.podSelector`: the object and field, when there is one.
    public var place: String? {
        var place = object?.description ?? ""
        if let field { place += place.isEmpty ? field : " " + field }
        return place.isEmpty ? nil : place
    }

    /// Findings in a stable order: by object, then field, then code; import findings first.
    public static func ordered(_ lhs: LintFinding, _ rhs: LintFinding) -> Bool {
        switch (lhs.object, rhs.object) {
        case (nil, .some): return true
        case (.some, nil): return false
        case (.some(let left), .some(let right)) where left != right: return left < right
        default: break
        }
        if lhs.field != rhs.field { return (lhs.field ?? "") < (rhs.field ?? "") }
        if lhs.code != rhs.code { return lhs.code.rawValue < rhs.code.rawValue }
        return lhs.message < rhs.message
    }
}

// MARK: - JSON

extension LintFinding {
    /// `{"code", "severity", "object"?, "field"?, "message", "related"?}`: what the API sends.
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "code": .string(code.rawValue), "severity": .string(severity.rawValue), "message": .string(message),
        ]
        if let object { members["object"] = object.json }
        if let field { members["field"] = .string(field) }
        if let related { members["related"] = related.json }
        return .object(members)
    }

    /// A finding as the API sent it; nil when it is not one (the CLI then shows it as it came).
    public init?(json: JSONValue) {
        guard let codeText = json["code"]?.stringValue, let code = Code(rawValue: codeText),
            let message = json["message"]?.stringValue
        else { return nil }
        self.init(
            code: code, object: json["object"].flatMap(Object.init(json:)), field: json["field"]?.stringValue, message: message,
            related: json["related"].flatMap(Object.init(json:)))
        if let text = json["severity"]?.stringValue, let severity = Severity(rawValue: text) { self.severity = severity }
    }
}

extension LintFinding.Object {
    public var json: JSONValue {
        var members: [String: JSONValue] = [
            "apiVersion": .string(apiVersion), "kind": .string(kind), "name": .string(name),
        ]
        if let namespace { members["namespace"] = .string(namespace) }
        return .object(members)
    }

    public init?(json: JSONValue) {
        guard let apiVersion = json["apiVersion"]?.stringValue, let kind = json["kind"]?.stringValue,
            let name = json["name"]?.stringValue
        else { return nil }
        self.init(apiVersion: apiVersion, kind: kind, namespace: json["namespace"]?.stringValue, name: name)
    }
}
