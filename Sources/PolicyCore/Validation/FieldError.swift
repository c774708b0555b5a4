/// One thing wrong with one field, as a Kubernetes `StatusCause`.
public struct FieldError: Sendable, Equatable, Error, CustomStringConvertible {
    /// The field path in Kubernetes notation: `spec.ingress[0].from[0].podSelector`.
    public var field: String
    /// The machine-readable reason: `FieldValueInvalid`, `FieldValueRequired`, `FieldValueUnknown`, ...
    public var reason: String
    /// What is wrong, in words.
    public var message: String

    public init(field: String, reason: String, message: String) {
        self.field = field
        self.reason = reason
        self.message = message
    }

    public static func invalid(_ field: String, _ message: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueInvalid", message: message)
    }

    public static func required(_ field: String, _ message: String = "Required value") -> FieldError {
        FieldError(field: field, reason: "FieldValueRequired", message: message)
    }

    public static func notSupported(_ field: String, _ value: String, supported: [String]) -> FieldError {
        FieldError(
            field: field, reason: "FieldValueNotSupported",
            message: "Unsupported value: \"\(value)\": supported values: "
                + supported.map { "\"\($0)\"" }.joined(separator: ", "))
    }

    public static func typeInvalid(_ field: String, expected: String, got: JSONValue) -> FieldError {
        FieldError(
            field: field, reason: "FieldValueTypeInvalid", message: "expected \(expected), got \(got.typeName)")
    }

    public static func forbidden(_ field: String, _ message: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueForbidden", message: message)
    }

    public static func duplicate(_ field: String, _ message: String) -> FieldError {
        FieldError(field: field, reason: "FieldValueDuplicate", message: message)
    }

    /// A list with more than `limit` items.
    public static func tooMany(_ field: String, _ count: Int, limit: Int) -> FieldError {
        FieldError(field: field, reason: "FieldValueTooMany", message: "Too many: \(count): must have at most \(limit) items")
    }

    /// A string longer than `limit` characters.
    public static func tooLong(_ field: String, limit: Int) -> FieldError {
        FieldError(field: field, reason: "FieldValueTooLong", message: "Too long: may not be more than \(limit) characters")
    }

    public var description: String { "\(field): \(message)" }
}

/// An object that failed validation, with every cause found.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of the object (`NetworkPolicy`).
    public var kind: String
    /// The object's name, when it had one.
    public var name: String
    /// Every problem found, in document order.
    public var causes: [FieldError]

    public init(kind: String, name: String, causes: [FieldError]) {
        self.kind = kind
        self.name = name
        self.causes = causes
    }

    /// `NetworkPolicy "x" is invalid: spec.a: ..., spec.b: ...`, as the Kubernetes API server words it.
    public var description: String {
        let subject = name.isEmpty ? kind : "\(kind) \"\(name)\""
        return "\(subject) is invalid: " + causes.map(\.description).joined(separator: ", ")
    }
}
