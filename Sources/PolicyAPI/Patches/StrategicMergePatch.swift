import PolicyCore

/// Kubernetes' strategic merge patch (`application/strategic-merge-patch+json`), as
/// k8s.io/apimachinery's `strategicpatch.StrategicMergeMapPatch` applies it on the API server:
///
/// - objects merge member by member; a `null` member deletes the member;
/// - lists the schema marks `merge` merge their elements by the merge key (scalars as a set);
///   other lists are replaced;
/// - directives: `$patch: replace|delete` in an object (`merge` is the default), `$patch: delete`
///   (with the merge key) and `$patch: replace` as list elements, `$setElementOrder/<list>`,
///   `$deleteFromPrimitiveList/<list>` and `$retainKeys`.
///
/// Failures are `400 BadRequest` for a malformed directive and `422` for a patch that cannot
/// apply, as the API server answers.
enum StrategicMergePatch {
    static let directive = "$patch"
    static let retainKeys = "$retainKeys"
    static let setElementOrder = "$setElementOrder"
    static let deleteFromPrimitiveList = "$deleteFromPrimitiveList"

    static func apply(_ patch: JSONValue, to original: JSONValue, schema: PatchSchema) throws(APIError) -> JSONValue {
        guard case .object(let patchMembers) = patch else {
            throw APIError.badRequest("a strategic merge patch must be a JSON object, got \(patch.typeName)")
        }
        return .object(try mergeMap(original.objectValue ?? [:], patchMembers, schema))
    }

    private static func bad(_ message: String) -> APIError { APIError.badRequest(message) }

    private static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: "the strategic merge patch does not apply: \(message)")
    }

    static func mergeMap(_ originalMembers: [String: JSONValue], _ patchMembers: [String: JSONValue], _ schema: PatchSchema)
        throws(APIError) -> [String: JSONValue]
    {
        var patch = patchMembers
        if let value = patch[directive] {
            switch value.stringValue {
            case "replace":
                patch[directive] = nil
                return removingDirectives(.object(patch))?.objectValue ?? [:]
            case "delete": return [:]
            default:
                throw bad("unknown patch type: \(JSONWriter.string(value)) in map: \(JSONWriter.string(.object(patch)))")
            }
        }
        var original = originalMembers
        if let retained = patch.removeValue(forKey: retainKeys) {
            guard case .array(let names) = retained else { throw bad("invalid patch format of retainKeys") }
            let kept = Set(names.compactMap(\.stringValue))
            for (key, value) in patch
            where !value.isNull && !key.hasPrefix(deleteFromPrimitiveList) && !key.hasPrefix(setElementOrder)
                && !kept.contains(key)
            {
                throw bad("invalid patch format of retainKeys")
            }
            original = original.filter { kept.contains($0.key) }
        }
        try mergeOrderedLists(&original, &patch, schema)

        for (patchKey, patchValue) in patch.sorted(by: { $0.key < $1.key }) {
            var key = patchKey
            var isDeleteList = false
            if patchKey.hasPrefix(deleteFromPrimitiveList) {
                key = try suffix(of: patchKey, after: deleteFromPrimitiveList, problem: "invalid patch format of primitive list")
                isDeleteList = true
            }
            if patchValue.isNull {
                original[key] = nil
                continue
            }
            guard let originalValue = original[key], sameShape(originalValue, patchValue) else {
                if !isDeleteList { original[key] = removingDirectives(patchValue.removingNullMembers) }
                continue
            }
            let field = schema[key]
            switch (originalValue, patchValue) {
            case (.object(let o), .object(let p)):
                original[key] = .object(try mergeMap(o, p, field))
            case (.array(let o), .array(let p)):
                if field.mergesList || isDeleteList {
                    original[key] = .array(try mergeList(o, p, field, name: key, isDeleteList: isDeleteList))
                } else {
                    original[key] = removingDirectives(patchValue)
                }
            default:
                original[key] = removingDirectives(patchValue)
            }
        }
        return original
    }

    /// `$setElementOrder/<list>`: merges the list it names, then orders the result as the directive
    /// says (the directive first, then the order in the patch, then the order in the stored list).
    private static func mergeOrderedLists(
        _ original: inout [String: JSONValue], _ patch: inout [String: JSONValue], _ schema: PatchSchema
    ) throws(APIError) {
        for directiveKey in patch.keys.sorted() where directiveKey.hasPrefix(setElementOrder) {
            let orderValue = patch.removeValue(forKey: directiveKey)!
            guard case .array(let order) = orderValue else { throw bad("invalid patch format of setElementOrder list") }
            let key = try suffix(
                of: directiveKey, after: setElementOrder, problem: "invalid patch format of setElementOrder list")
            let field = schema[key]
            let mergeKey = field.mergeKey
            let originalList = original[key]?.arrayValue
            let patchList = patch[key]?.arrayValue
            if original[key] != nil, originalList == nil { throw bad("invalid patch format of setElementOrder list") }
            if patch[key] != nil, patchList == nil { throw bad("invalid patch format of setElementOrder list") }
            try validate(patchList ?? [], against: order, mergeKey: mergeKey)
            let merged: [JSONValue]
            switch (originalList, patchList) {
            case (let o?, nil): merged = o
            case (nil, let p?): merged = removingDirectives(.array(p))?.arrayValue ?? []
            case (let o?, let p?):
                merged =
                    field.mergesList
                    ? try mergeList(o, p, field, name: key, isDeleteList: false)
                    : (removingDirectives(.array(p))?.arrayValue ?? [])
            case (nil, nil): continue
            }
            let (inOrder, serverOnly) = try partition(merged, by: order, mergeKey: mergeKey)
            original[key] = .array(
                try normalizedOrder(
                    patchItems: inOrder, serverOnly: serverOnly, patchOrder: order, serverOrder: originalList ?? [],
                    mergeKey: mergeKey))
            patch[key] = nil
        }
    }

    /// The relative order of the patch's elements must agree with the `$setElementOrder` list.
    private static func validate(_ patchList: [JSONValue], against order: [JSONValue], mergeKey: String?) throws(APIError) {
        if order.isEmpty || patchList.isEmpty { return }
        let kept = patchList.filter { !isDirective($0, "delete") || mergeKey == nil }
        var patchIndex = 0
        var orderIndex = 0
        while patchIndex < kept.count, orderIndex < order.count {
            if kept[patchIndex][directive] != nil {
                patchIndex += 1
                continue
            }
            if try identity(kept[patchIndex], mergeKey) == identity(order[orderIndex], mergeKey) { patchIndex += 1 }
            orderIndex += 1
        }
        if patchIndex < kept.count {
            throw bad(
                "the order in the patch list \(JSONWriter.string(.array(patchList))) doesn't match the $setElementOrder list "
                    + JSONWriter.string(.array(order)))
        }
    }

    /// Merges two lists the schema marks `merge`.
    static func mergeList(_ original: [JSONValue], _ patch: [JSONValue], _ schema: PatchSchema, name: String, isDeleteList: Bool)
        throws(APIError) -> [JSONValue]
    {
        if original.isEmpty && patch.isEmpty { return original }
        let elements = original + patch
        if elements.contains(where: { $0.arrayValue != nil }) { throw unprocessable("lists of lists are not supported") }
        let objects = elements.allSatisfy { $0.objectValue != nil }
        if !objects, elements.contains(where: { $0.objectValue != nil }) {
            throw unprocessable("the elements of \(name) are not all of one type")
        }
        if !objects {
            if isDeleteList { return original.filter { !patch.contains($0) } }
            var merged: [JSONValue] = []
            for element in original + patch where !merged.contains(element) { merged.append(element) }
            let (inPatch, serverOnly) = try partition(merged, by: patch, mergeKey: nil)
            return try normalizedOrder(
                patchItems: inPatch, serverOnly: serverOnly, patchOrder: patch, serverOrder: original, mergeKey: nil)
        }
        guard let mergeKey = schema.mergeKey else { throw unprocessable("cannot merge lists without merge key for \(name)") }
        // Special elements first: `$patch: delete` removes by key, `$patch: replace` makes the list the patch's.
        var base = original
        var items: [JSONValue] = []
        var replace = false
        for element in patch {
            guard let kind = element[directive] else {
                items.append(element)
                continue
            }
            switch kind.stringValue {
            case "delete":
                guard let value = element[mergeKey] else {
                    throw unprocessable("map: \(JSONWriter.string(element)) does not contain declared merge key: \(mergeKey)")
                }
                base.removeAll { $0[mergeKey] == value }
            case "replace": replace = true
            case "merge": throw unprocessable("merging lists cannot yet be specified in the patch")
            default: throw bad("unknown patch type: \(JSONWriter.string(kind)) in map: \(JSONWriter.string(element))")
            }
        }
        var patchOrder = patch
        if replace {
            base = items.compactMap { removingDirectives($0) }
            items = []
            patchOrder = []
        }
        for item in items {
            guard let value = item[mergeKey] else {
                throw unprocessable("map: \(JSONWriter.string(item)) does not contain declared merge key: \(mergeKey)")
            }
            if let position = base.firstIndex(where: { $0[mergeKey] == value }) {
                base[position] = .object(try mergeMap(base[position].objectValue ?? [:], item.objectValue ?? [:], schema))
            } else if let added = removingDirectives(item.removingNullMembers) {
                base.append(added)
            }
        }
        let (inPatch, serverOnly) = try partition(base, by: patchOrder, mergeKey: mergeKey)
        return try normalizedOrder(
            patchItems: inPatch, serverOnly: serverOnly, patchOrder: patchOrder, serverOrder: replace ? base : original,
            mergeKey: mergeKey)
    }

    /// What identifies an element: its merge key's value, or itself.
    private static func identity(_ element: JSONValue, _ mergeKey: String?) throws(APIError) -> JSONValue {
        guard let mergeKey else { return element }
        guard case .object(let members) = element else {
            throw unprocessable("expected an object with the merge key \(mergeKey), got \(element.typeName)")
        }
        guard let value = members[mergeKey] else {
            throw unprocessable("map: \(JSONWriter.string(element)) does not contain declared merge key: \(mergeKey)")
        }
        return value
    }

    /// The elements of `list` present in `reference` (by identity), and the others.
    private static func partition(_ list: [JSONValue], by reference: [JSONValue], mergeKey: String?) throws(APIError) -> (
        [JSONValue], [JSONValue]
    ) {
        var referenced: [JSONValue] = []
        for element in reference where !(mergeKey != nil && element.objectValue == nil) {
            if mergeKey != nil, element[mergeKey!] == nil { continue }
            referenced.append(try identity(element, mergeKey))
        }
        var inside: [JSONValue] = []
        var outside: [JSONValue] = []
        for element in list {
            if referenced.contains(try identity(element, mergeKey)) { inside.append(element) } else { outside.append(element) }
        }
        return (inside, outside)
    }

    /// `normalizeElementOrder`: each part sorted by its order list, then the server-only elements
    /// put back among the patch's where the stored list had them.
    private static func normalizedOrder(
        patchItems: [JSONValue], serverOnly: [JSONValue], patchOrder: [JSONValue], serverOrder: [JSONValue],
        mergeKey: String?
    ) throws(APIError) -> [JSONValue] {
        func positions(_ order: [JSONValue]) throws(APIError) -> [JSONValue] {
            var identities: [JSONValue] = []
            for element in order {
                if mergeKey != nil, element.objectValue == nil || element[mergeKey!] == nil {
                    identities.append(.null)
                } else {
                    identities.append(try identity(element, mergeKey))
                }
            }
            return identities
        }
        func sorted(_ items: [JSONValue], by order: [JSONValue]) throws(APIError) -> [JSONValue] {
            let identities = try positions(order)
            var keyed: [(position: Int, offset: Int, item: JSONValue)] = []
            for (offset, item) in items.enumerated() {
                let position = identities.firstIndex(of: try identity(item, mergeKey)) ?? Int.max
                keyed.append((position, offset, item))
            }
            return keyed.sorted { ($0.position, $0.offset) < ($1.position, $1.offset) }.map(\.item)
        }
        let right = try sorted(patchItems, by: patchOrder)
        let left = try sorted(serverOnly, by: serverOrder)
        let serverIdentities = try positions(serverOrder)
        func serverPosition(_ item: JSONValue) throws(APIError) -> Int? {
            serverIdentities.firstIndex(of: try identity(item, mergeKey))
        }
        // mergeSortedSlice: a server-only element goes before the first patch element the stored
        // list had after it.
        var result: [JSONValue] = []
        var i = 0
        var j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                result.append(right[j])
                j += 1
            } else if j >= right.count {
                result.append(left[i])
                i += 1
            } else if let l = try serverPosition(left[i]), let r = try serverPosition(right[j]), l < r {
                result.append(left[i])
                i += 1
            } else {
                result.append(right[j])
                j += 1
            }
        }
        return result
    }

    private static func suffix(of key: String, after prefix: String, problem: String) throws(APIError) -> String {
        let parts = key.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0] == prefix else { throw bad(problem) }
        return String(parts[1])
    }

    private static func isDirective(_ value: JSONValue, _ kind: String) -> Bool {
        value[directive]?.stringValue == kind
    }

    /// Whether two values are both objects, both lists, or both neither (then the patch's replaces).
    private static func sameShape(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object, .object), (.array, .array): true
        case (.object, _), (_, .object), (.array, _), (_, .array): false
        default: true
        }
    }

    /// A patch value as it is stored: without directives (an object holding `$patch` is left out).
    static func removingDirectives(_ value: JSONValue) -> JSONValue? {
        switch value {
        case .object(let members):
            if members[directive] != nil { return nil }
            var kept: [String: JSONValue] = [:]
            for (key, member) in members where !key.hasPrefix("$") {
                if let cleaned = removingDirectives(member) { kept[key] = cleaned }
            }
            return .object(kept)
        case .array(let elements): return .array(elements.compactMap { removingDirectives($0) })
        default: return value
        }
    }
}
