/// A Kubernetes label selector: `matchLabels` and `matchExpressions`, ANDed.
public struct LabelSelector: Sendable, Hashable {
    /// One requirement on one key.
    public struct Requirement: Sendable, Hashable {
        public enum Operator: String, Sendable, Hashable, CaseIterable {
            case `in` = "In"
            case notIn = "NotIn"
            case exists = "Exists"
            case doesNotExist = "DoesNotExist"
        }

        public var key: String
        public var `operator`: Operator
        public var values: Set<String>

        public init(key: String, operator: Operator, values: Set<String> = []) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }

        @inline(__always)
        public func matches(_ labels: [String: String]) -> Bool {
            switch self.operator {
            case .in: if let value = labels[key] { return values.contains(value) } else { return false }
            case .notIn: if let value = labels[key] { return !values.contains(value) } else { return true }
            case .exists: return labels[key] != nil
            case .doesNotExist: return labels[key] == nil
            }
        }
    }

    public var matchLabels: [String: String]
    public var requirements: [Requirement]

    public init(matchLabels: [String: String] = [:], requirements: [Requirement] = []) {
        self.matchLabels = matchLabels
        self.requirements = requirements
    }

    /// The selector `{}`, which selects everything.
    public static let everything = LabelSelector()

    public var isEverything: Bool { matchLabels.isEmpty && requirements.isEmpty }

    public func matches(_ labels: [String: String]) -> Bool {
        for (key, value) in matchLabels where labels[key] != value { return false }
        for requirement in requirements where !requirement.matches(labels) { return false }
        return true
    }

    /// Reads and checks a `LabelSelector` object.
    public static func read(_ value: JSONValue?, at path: String, errors: FieldErrors) -> LabelSelector {
        guard let reader = FieldReader(value, at: path, errors: errors) else { return .everything }
        reader.rejectUnknown(["matchLabels", "matchExpressions"])
        let labels = reader.stringMap("matchLabels") ?? [:]
        NameRules.validateLabels(labels, at: reader.path("matchLabels"), errors: errors)
        var requirements: [Requirement] = []
        for element in reader.array("matchExpressions") ?? [] {
            guard let item = FieldReader(element.value, at: element.path, errors: errors) else {
                if element.value.isNull { errors.add(.required(element.path)) }
                continue
            }
            item.rejectUnknown(["key", "operator", "values"])
            let key = item.string("key")
            let operatorName = item.string("operator")
            let values = item.strings("values") ?? []
            guard let key else {
                errors.add(.required(item.path("key")))
                continue
            }
            if let problem = NameRules.labelKeyProblem(key) {
                errors.add(.invalid(item.path("key"), "\"\(key)\": \(problem)"))
            }
            guard let operatorName else {
                errors.add(.required(item.path("operator")))
                continue
            }
            guard let op = Requirement.Operator(rawValue: operatorName) else {
                errors.add(
                    .notSupported(item.path("operator"), operatorName, supported: Requirement.Operator.allCases.map(\.rawValue)))
                continue
            }
            switch op {
            case .in, .notIn:
                if values.isEmpty {
                    errors.add(.required(item.path("values"), "must be specified when `operator` is 'In' or 'NotIn'"))
                }
                for (position, text) in values.enumerated() {
                    if let problem = NameRules.labelValueProblem(text) {
                        errors.add(.invalid("\(item.path("values"))[\(position)]", "\"\(text)\": \(problem)"))
                    }
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    errors.add(
                        .forbidden(item.path("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            }
            requirements.append(Requirement(key: key, operator: op, values: Set(values)))
        }
        return LabelSelector(matchLabels: labels, requirements: requirements)
    }
}
