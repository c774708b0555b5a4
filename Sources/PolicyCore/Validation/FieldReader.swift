/// Collects every field error found while reading one document.
public final class FieldErrors {
    public private(set) var causes: [FieldError] = []
    /// Whether unknown members are set aside in ``dropped`` rather than reported (`fieldValidation=Warn|Ignore`).
    public let dropsUnknownFields: Bool
    /// The unknown members set aside: the path of the object holding each, and its name.
    public private(set) var dropped: [(parent: String, key: String)] = []
    public init(dropsUnknownFields: Bool = false) { self.dropsUnknownFields = dropsUnknownFields }
    public func add(_ error: FieldError) { causes.append(error) }
    public func drop(_ key: String, in parent: String) { dropped.append((parent, key)) }
    public var isEmpty: Bool { causes.isEmpty }
}

/// A strict view of one JSON object at a field path: reads typed members, reports
/// wrong types, and flags members it does not know with a suggestion.
public struct FieldReader {
    public let members: [String: JSONValue]
    public let path: String
    public let errors: FieldErrors

    /// A reader for `value`, or nil (with an error) when it is not an object. A missing or null value gives nil silently.
    public init?(_ value: JSONValue?, at path: String, errors: FieldErrors) {
        guard let value, !value.isNull else { return nil }
        guard case .object(let members) = value else {
            errors.add(.typeInvalid(path, expected: "object", got: value))
            return nil
        }
        self.members = members
        self.path = path
        self.errors = errors
    }

    /// The path of a member.
    public func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// Reports each member not in `known`; a near miss gets a "did you mean" hint.
    public func rejectUnknown(_ known: [String]) {
        for key in members.keys.sorted() where !known.contains(key) {
            if errors.dropsUnknownFields {
                errors.drop(key, in: path)
                continue
            }
            var message = "unknown field \"\(key)\""
            if let suggestion = FieldReader.suggestion(for: key, among: known) {
                message += " (did you mean \(suggestion)?)"
            }
            errors.add(FieldError(field: path(key), reason: "FieldValueUnknown", message: message))
        }
    }

    /// The closest known name differing only in case or by at most two edits.
    public static func suggestion(for key: String, among known: [String]) -> String? {
        if let match = known.first(where: { $0.lowercased() == key.lowercased() }) { return match }
        var best: (String, Int)?
        for candidate in known {
            let distance = editDistance(Array(key.lowercased().utf8), Array(candidate.lowercased().utf8))
            if distance <= 2, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        return best?.0
    }

    static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// True when the member is present and not null.
    public func has(_ key: String) -> Bool {
        if let value = members[key], !value.isNull { return true }
        return false
    }

    /// A string member; a wrong type is reported.
    public func string(_ key: String) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .string(let text) = value else {
            errors.add(.typeInvalid(path(key), expected: "string", got: value))
            return nil
        }
        return text
    }

    /// An integer member; a wrong type is reported.
    public func integer(_ key: String) -> Int64? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let number = value.integerValue else {
            errors.add(.typeInvalid(path(key), expected: "integer", got: value))
            return nil
        }
        return number
    }

    /// A number member (integer or not); a wrong type is reported.
    public func number(_ key: String) -> Double? {
        guard let value = members[key], !value.isNull else { return nil }
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number) where number.isFinite: return number
        default:
            errors.add(.typeInvalid(path(key), expected: "number", got: value))
            return nil
        }
    }

    /// A nested object member.
    public func object(_ key: String) -> FieldReader? {
        FieldReader(members[key], at: path(key), errors: errors)
    }

    /// The elements of an array member with their paths; a wrong type is reported.
    public func array(_ key: String) -> [(path: String, value: JSONValue)]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .array(let elements) = value else {
            errors.add(.typeInvalid(path(key), expected: "array", got: value))
            return nil
        }
        let base = path(key)
        return elements.enumerated().map { ("\(base)[\($0.offset)]", $0.element) }
    }

    /// A map of strings (labels, annotations); wrong types are reported.
    public func stringMap(_ key: String) -> [String: String]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard case .object(let entries) = value else {
            errors.add(.typeInvalid(path(key), expected: "object", got: value))
            return nil
        }
        var result: [String: String] = [:]
        for (name, entry) in entries {
            guard case .string(let text) = entry else {
                errors.add(.typeInvalid("\(path(key))[\(name)]", expected: "string", got: entry))
                continue
            }
            result[name] = text
        }
        return result
    }

    /// An array of strings; wrong types are reported.
    public func strings(_ key: String) -> [String]? {
        guard let elements = array(key) else { return nil }
        var result: [String] = []
        for element in elements {
            guard case .string(let text) = element.value else {
                errors.add(.typeInvalid(element.path, expected: "string", got: element.value))
                continue
            }
            result.append(text)
        }
        return result
    }
}
