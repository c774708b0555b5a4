/// What a write does with fields that no decoder knows (Kubernetes' `fieldValidation` parameter).
/// Only unknown fields are concerned: every other problem is an error in every mode.
public enum FieldValidation: String, Sendable, CaseIterable {
    /// Refuse the object, naming each unknown field (netpold's default).
    case strict = "Strict"
    /// Store the object without the unknown fields and say which were left out.
    case warn = "Warn"
    /// Store the object without the unknown fields, silently.
    case ignore = "Ignore"
}

extension DecodedObject {
    /// Leaves the unknown members out of ``body`` and lists their paths in ``unknownFields``.
    /// - Parameter dropped: each member's parent path (`spec.ingress[0]`, as ``FieldReader`` writes
    ///   paths: known member names and indexes) and its name. A path that is not in the body (a
    ///   member of a converted document's source) is listed and otherwise ignored.
    mutating func removeUnknownFields(_ dropped: [(parent: String, key: String)]) {
        for (parent, key) in dropped {
            unknownFields.append(parent.isEmpty ? key : "\(parent).\(key)")
            body.removeMember(key, at: FieldPath.components(parent)[...])
        }
    }
}

/// A field path as ``FieldReader`` writes it, taken apart: `spec.ingress[0].from` is
/// `spec`, `ingress`, 0, `from`.
enum FieldPath {
    enum Component: Equatable {
        case member(String)
        case index(Int)
    }

    static func components(_ path: String) -> [Component] {
        var components: [Component] = []
        var name = ""
        var index: Int?
        for character in path {
            switch character {
            case "." where index == nil:
                if !name.isEmpty { components.append(.member(name)) }
                name = ""
            case "[" where index == nil:
                if !name.isEmpty { components.append(.member(name)) }
                name = ""
                index = 0
            case "]" where index != nil:
                components.append(.index(index!))
                index = nil
            default:
                if let value = index, let digit = character.wholeNumberValue {
                    index = value * 10 + digit
                } else {
                    name.append(character)
                }
            }
        }
        if !name.isEmpty { components.append(.member(name)) }
        return components
    }
}

extension JSONValue {
    /// Removes the member `key` of the object at `path`, when there is one.
    fileprivate mutating func removeMember(_ key: String, at path: ArraySlice<FieldPath.Component>) {
        guard let first = path.first else {
            if case .object(var members) = self {
                members[key] = nil
                self = .object(members)
            }
            return
        }
        switch (first, self) {
        case (.member(let name), .object(var members)):
            guard var child = members[name] else { return }
            members[name] = nil
            child.removeMember(key, at: path.dropFirst())
            members[name] = child
            self = .object(members)
        case (.index(let position), .array(var elements)) where elements.indices.contains(position):
            var child = elements[position]
            elements[position] = .null
            child.removeMember(key, at: path.dropFirst())
            elements[position] = child
            self = .array(elements)
        default:
            return
        }
    }
}
