import PolicyCore

/// A simplified server-side apply (`application/apply-patch+yaml`, `kubectl apply --server-side`).
///
/// The applied configuration is the whole object as its manager intends it. It is merged into the
/// stored object: objects member by member, lists the ``PatchSchema`` marks `merge` element by
/// element (by merge key; scalars as a set), other lists replaced. Each manager's fields are
/// recorded in `metadata.managedFields` (one `Apply` entry per manager, `FieldsV1` as upstream
/// writes it), so that a field a manager applied before and leaves out now is removed, unless
/// another manager's apply still holds it. There is no conflict detection between managers
/// (`force` is accepted and changes nothing), and other writes (PUT, other patches) record no
/// `Update` entries.
struct ServerSideApply {
    var manager: String
    var schema: PatchSchema

    /// Fields every apply leaves alone: identity and what the server sets.
    static let untracked: Set<String> = ["apiVersion", "kind"]
    static let untrackedMetadata: Set<String> = [
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
        "deletionTimestamp", "deletionGracePeriodSeconds",
    ]

    /// The object after applying `configuration` onto `stored` (nil: the object is created).
    func apply(_ configuration: JSONValue, to stored: JSONValue?, time: String) -> JSONValue {
        let applied = FieldSet(configuration, schema: schema, top: true)
        var entries = stored?["metadata"]?["managedFields"]?.arrayValue ?? []
        let mine = entries.firstIndex { $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == "Apply" }
        var result: JSONValue
        if let stored {
            result = merge(stored, configuration.removingNullMembers, schema)
            if let mine, let previous = entries[mine]["fieldsV1"].map(FieldSet.init(fieldsV1:)) {
                var others = FieldSet()
                for (position, entry) in entries.enumerated() where position != mine && entry["operation"]?.stringValue == "Apply"
                {
                    if let fields = entry["fieldsV1"] { others.formUnion(FieldSet(fieldsV1: fields)) }
                }
                prune(&result, previous: previous, applied: applied, others: others, schema: schema)
            }
            // Nulls in the configuration remove what they name.
            removeNulls(&result, configuration)
        } else {
            result = configuration.removingNullMembers
        }
        let entry: JSONValue = .object([
            "manager": .string(manager), "operation": "Apply",
            "apiVersion": configuration["apiVersion"] ?? stored?["apiVersion"] ?? .null, "time": .string(time),
            "fieldsType": "FieldsV1", "fieldsV1": applied.fieldsV1,
        ])
        if let mine { entries[mine] = entry } else { entries.append(entry) }
        var metadata = result["metadata"]?.objectValue ?? [:]
        metadata["managedFields"] = .array(entries)
        result["metadata"] = .object(metadata)
        return result
    }

    /// `configuration` merged into `stored`.
    private func merge(_ stored: JSONValue, _ configuration: JSONValue, _ schema: PatchSchema) -> JSONValue {
        switch (stored, configuration) {
        case (.object(var members), .object(let applied)):
            for (key, value) in applied {
                members[key] = members[key].map { merge($0, value, schema[key]) } ?? value
            }
            return .object(members)
        case (.array(var elements), .array(let applied)) where schema.mergesList:
            for item in applied {
                if let key = schema.mergeKey, let value = item[key] {
                    if let position = elements.firstIndex(where: { $0[key] == value }) {
                        elements[position] = merge(elements[position], item, schema)
                    } else {
                        elements.append(item)
                    }
                } else if !elements.contains(item) {
                    elements.append(item)
                }
            }
            return .array(elements)
        default:
            return configuration
        }
    }

    /// Removes what the manager held before and holds no longer, unless another manager holds it.
    private func prune(_ value: inout JSONValue, previous: FieldSet, applied: FieldSet, others: FieldSet, schema: PatchSchema) {
        switch value {
        case .object(var members):
            for (element, held) in previous.children {
                guard case .field(let key) = element, members[key] != nil else { continue }
                let now = applied.children[element]
                let other = others.children[element]
                if now == nil && other == nil {
                    members[key] = nil
                } else if !held.children.isEmpty {
                    var child = members[key]!
                    prune(
                        &child, previous: held, applied: now ?? FieldSet(), others: other ?? FieldSet(), schema: schema[key])
                    members[key] = child
                }
            }
            value = .object(members)
        case .array(var elements):
            var removed: Set<Int> = []
            for (element, held) in previous.children {
                guard let position = elements.firstIndex(where: { element.matches($0) }) else { continue }
                let now = applied.children[element]
                let other = others.children[element]
                if now == nil && other == nil {
                    removed.insert(position)
                } else if !held.children.isEmpty {
                    prune(
                        &elements[position], previous: held, applied: now ?? FieldSet(), others: other ?? FieldSet(),
                        schema: schema)
                }
            }
            value = .array(elements.enumerated().filter { !removed.contains($0.offset) }.map(\.element))
        default:
            return
        }
    }

    /// Removes the members the configuration sets to null.
    private func removeNulls(_ value: inout JSONValue, _ configuration: JSONValue) {
        guard case .object(let applied) = configuration, case .object(var members) = value else { return }
        for (key, member) in applied {
            if member.isNull {
                members[key] = nil
            } else if member.objectValue != nil, var child = members[key] {
                removeNulls(&child, member)
                members[key] = child
            }
        }
        value = .object(members)
    }
}

/// A set of field paths, as `metadata.managedFields[].fieldsV1` holds it: a tree whose keys are
/// `f:<member>`, `k:<merge key as JSON>` (an element of a keyed list), `v:<value as JSON>` (an
/// element of a set) and `.` (the element itself).
struct FieldSet: Equatable {
    enum Element: Hashable {
        case field(String)
        case key(JSONValue)
        case value(JSONValue)

        var text: String {
            switch self {
            case .field(let name): "f:" + name
            case .key(let key): "k:" + JSONWriter.string(key)
            case .value(let value): "v:" + JSONWriter.string(value)
            }
        }

        /// Whether a list element is the one this names.
        func matches(_ element: JSONValue) -> Bool {
            switch self {
            case .field: return false
            case .value(let value): return element == value
            case .key(let key):
                guard case .object(let members) = key, !members.isEmpty else { return false }
                return members.allSatisfy { element[$0.key] == $0.value }
            }
        }
    }

    var children: [Element: FieldSet] = [:]

    init() {}

    /// The fields a configuration sets.
    init(_ value: JSONValue, schema: PatchSchema, top: Bool = false) {
        guard case .object(let members) = value else { return }
        for (key, member) in members where !member.isNull {
            if top, ServerSideApply.untracked.contains(key) { continue }
            var child = FieldSet()
            switch member {
            case .object(var inner):
                if top, key == "metadata" {
                    for name in ServerSideApply.untrackedMetadata { inner[name] = nil }
                    if inner.isEmpty { continue }
                }
                child = FieldSet(.object(inner), schema: schema[key])
            case .array(let elements) where schema[key].mergesList:
                let field = schema[key]
                for element in elements {
                    if let mergeKey = field.mergeKey, let value = element[mergeKey] {
                        child.children[.key(.object([mergeKey: value]))] = FieldSet(element, schema: field)
                    } else if field.mergeKey == nil {
                        child.children[.value(element)] = FieldSet()
                    }
                }
            default:
                break
            }
            children[.field(key)] = child
        }
    }

    /// Reads `fieldsV1`; entries it cannot read are left out.
    init(fieldsV1: JSONValue) {
        guard case .object(let members) = fieldsV1 else { return }
        for (text, value) in members {
            let body = String(text.dropFirst(2))
            let element: Element
            if text.hasPrefix("f:") {
                element = .field(body)
            } else if text.hasPrefix("k:"), let key = try? JSONParser.parse(body) {
                element = .key(key)
            } else if text.hasPrefix("v:"), let item = try? JSONParser.parse(body) {
                element = .value(item)
            } else {
                continue
            }
            children[element] = FieldSet(fieldsV1: value)
        }
    }

    mutating func formUnion(_ other: FieldSet) {
        for (element, child) in other.children {
            children[element, default: FieldSet()].formUnion(child)
        }
    }

    /// As `fieldsV1`: list elements also name themselves (`.`), as upstream writes them.
    var fieldsV1: JSONValue {
        var members: [String: JSONValue] = [:]
        for (element, child) in children {
            var value = child.fieldsV1
            if case .field = element {} else { value["."] = .object([:]) }
            members[element.text] = value
        }
        return .object(members)
    }
}
