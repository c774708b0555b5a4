import MicroHTTP
import PolicyCore
import PolicyStore

/// The query options of an object write, as Kubernetes' `CreateOptions`, `UpdateOptions` and
/// `PatchOptions` carry them: `dryRun`, `fieldValidation`, `fieldManager` and (apply only) `force`.
/// A value out of range is `422 Invalid` about the options object, as the API server answers.
struct WriteOptions {
    enum Verb: String {
        case create = "CreateOptions"
        case update = "UpdateOptions"
        case patch = "PatchOptions"
    }

    /// `dryRun=All`: validate and compute everything, store nothing.
    var dryRun = false
    var fieldValidation = FieldValidation.strict
    /// The client named `fieldValidation` (kubectl does): its errors then read as the API server's.
    var fieldValidationGiven = false
    var fieldManager: String?
    var force = false

    init(_ request: HTTPRequest, _ verb: Verb, apply: Bool = false) throws(APIError) {
        var causes: [FieldError] = []
        if let value = request.query["dryRun"] {
            if value == "All" {
                dryRun = true
            } else {
                causes.append(.notSupported("dryRun", value, supported: ["All"]))
            }
        }
        if let value = request.query["fieldValidation"], !value.isEmpty {
            if let mode = FieldValidation(rawValue: value) {
                fieldValidation = mode
                fieldValidationGiven = true
            } else {
                causes.append(.notSupported("fieldValidation", value, supported: ["", "Ignore", "Strict", "Warn"]))
            }
        }
        if let manager = request.query["fieldManager"], !manager.isEmpty {
            if manager.unicodeScalars.count > 128 { causes.append(.tooLong("fieldManager", limit: 128)) }
            if let bad = manager.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                causes.append(.invalid("fieldManager", "invalid character U+\(String(bad.value, radix: 16, uppercase: true))"))
            }
            fieldManager = manager
        }
        if let value = request.query["force"] {
            switch value {
            case "true", "": force = true
            case "false": force = false
            default: throw APIError.badRequest("force: \"\(value)\" is not a boolean")
            }
            if !apply { causes.append(.forbidden("force", "may not be specified for non-apply patch")) }
        }
        if apply, fieldManager == nil { causes.append(.required("fieldManager", "is required for apply patch")) }
        if !causes.isEmpty { throw Self.invalid(verb.rawValue, causes) }
    }

    /// `422 Invalid` about an options object, as `errors.NewInvalid` words it.
    static func invalid(_ kind: String, _ causes: [FieldError]) -> APIError {
        APIError(
            code: 422, reason: "Invalid",
            message: "\(kind).meta.k8s.io \"\" is invalid: "
                + causes.map { "\($0.field): \($0.message)" }.joined(separator: ", "),
            kind: kind, causes: causes)
    }
}

/// A `DELETE`'s options: its body (a `DeleteOptions`, JSON or YAML), or else its query
/// (`dryRun`, `gracePeriodSeconds`, `propagationPolicy`, `orphanDependents`), as the API server
/// reads them. Grace periods and propagation are accepted and change nothing: an object is
/// deleted at once, and a namespace's contents go with it.
struct DeleteOptions {
    var dryRun = false
    var uid: String?
    var resourceVersion: String?

    init(_ request: HTTPRequest) throws {
        var dryRunValues: [String] = []
        var propagationPolicy: String?
        var orphanDependents = false
        if request.body.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) {
            let document = try BundleReader.object(from: request)
            guard case .object(let members) = document else {
                throw APIError.badRequest("the body of a delete must be a DeleteOptions object")
            }
            if let kind = members["kind"], kind.stringValue != "DeleteOptions" {
                throw APIError.badRequest("decoded object cannot be converted to DeleteOptions")
            }
            func string(_ value: JSONValue?, _ field: String) throws(APIError) -> String? {
                guard let value, !value.isNull else { return nil }
                guard let text = value.stringValue else { throw APIError.badRequest("DeleteOptions.\(field): expected a string") }
                return text
            }
            if let grace = members["gracePeriodSeconds"], !grace.isNull, grace.integerValue == nil {
                throw APIError.badRequest("DeleteOptions.gracePeriodSeconds: expected an integer")
            }
            propagationPolicy = try string(members["propagationPolicy"], "propagationPolicy")
            if let orphan = members["orphanDependents"], !orphan.isNull {
                guard orphan.boolValue != nil else {
                    throw APIError.badRequest("DeleteOptions.orphanDependents: expected a boolean")
                }
                orphanDependents = true
            }
            if let values = members["dryRun"], !values.isNull {
                guard let list = values.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                    throw APIError.badRequest("DeleteOptions.dryRun: expected a list of strings")
                }
                dryRunValues = list.compactMap(\.stringValue)
            }
            if let preconditions = members["preconditions"], !preconditions.isNull {
                guard preconditions.objectValue != nil else {
                    throw APIError.badRequest("DeleteOptions.preconditions: expected an object")
                }
                uid = try string(preconditions["uid"], "preconditions.uid")
                resourceVersion = try string(preconditions["resourceVersion"], "preconditions.resourceVersion")
            }
        } else {
            if let value = request.query["dryRun"] { dryRunValues = [value] }
            if let value = request.query["gracePeriodSeconds"], !value.isEmpty, Int64(value) == nil {
                throw APIError.badRequest("gracePeriodSeconds: \"\(value)\" is not an integer")
            }
            propagationPolicy = request.query["propagationPolicy"].flatMap { $0.isEmpty ? nil : $0 }
            if let value = request.query["orphanDependents"], !value.isEmpty {
                guard value == "true" || value == "false" else {
                    throw APIError.badRequest("orphanDependents: \"\(value)\" is not a boolean")
                }
                orphanDependents = true
            }
        }
        var causes: [FieldError] = []
        if let propagationPolicy {
            if orphanDependents {
                causes.append(.invalid("propagationPolicy", "orphanDependents and deletionPropagation cannot be both set"))
            }
            if !["Foreground", "Background", "Orphan"].contains(propagationPolicy) {
                causes.append(
                    .notSupported(
                        "propagationPolicy", propagationPolicy, supported: ["Foreground", "Background", "Orphan", "nil"]))
            }
        }
        if let wrong = dryRunValues.first(where: { $0 != "All" }) {
            causes.append(.notSupported("dryRun", wrong, supported: ["All"]))
        }
        if !causes.isEmpty { throw WriteOptions.invalid("DeleteOptions", causes) }
        dryRun = !dryRunValues.isEmpty
    }

    /// Refuses to delete an object whose uid or resourceVersion is not the one the options name:
    /// `409 Conflict`, as the API server words it.
    func check(_ existing: StoredRecord) throws(APIError) {
        let key = existing.key
        func conflict(_ detail: String) -> APIError {
            APIError(
                code: 409, reason: "Conflict",
                message: "Operation cannot be fulfilled on \(key.kind.plural) \"\(key.name)\": Precondition failed: \(detail)",
                kind: key.kind.kind, name: key.name)
        }
        if let uid, uid != existing.uid {
            throw conflict("UID in precondition: \(uid), UID in object meta: \(existing.uid)")
        }
        if let resourceVersion, resourceVersion != String(existing.resourceVersion) {
            throw conflict(
                "ResourceVersion in precondition: \(resourceVersion), ResourceVersion in object meta: \(existing.resourceVersion)"
            )
        }
    }
}

extension Router {
    /// Validates an object to write (`ObjectDecoder`) under `fieldValidation`. With `Strict`, a
    /// body whose only problems are unknown fields is a strict decoding error, worded and coded
    /// as the API server does (`400` for a create or update, `422` for a patch, `400` for an apply);
    /// with other problems too, it is `422 Invalid` with every cause.
    func decodeWrite(
        _ document: JSONValue, _ target: ResourcePath, fieldValidation: FieldValidation, verb: WriteOptions.Verb,
        apply: Bool = false, asAPIServer: Bool = true
    ) throws -> DecodedObject {
        do {
            return try ObjectDecoder.decode(document, defaultNamespace: target.namespace, fieldValidation: fieldValidation)
        } catch {
            guard !error.causes.isEmpty, error.causes.allSatisfy({ $0.reason == "FieldValueUnknown" }) else { throw error }
            let fields = error.causes.map { "unknown field \"\($0.field)\"" }.joined(separator: ", ")
            let strict = "strict decoding error: " + fields
            let kind = target.kind
            switch verb {
            case .patch where !apply:
                var status = APIError.invalid(error).status
                status.message = "\(kind.kind) \"\(error.name)\" is invalid: patch: \(strict)"
                throw APIError(status)
            case .patch:
                throw APIError.badRequest("error strict decoding patch: \(fields)", causes: error.causes)
            case .create, .update:
                // Without fieldValidation named, netpold's own answer: 422 naming every field.
                guard asAPIServer else { throw error }
                throw APIError.badRequest(
                    "\(kind.kind) in version \"\(kind.version)\" cannot be handled as a \(kind.kind): \(strict)",
                    causes: error.causes)
            }
        }
    }

    /// The `Warning` headers of a write: one per unknown field left out (`fieldValidation=Warn`),
    /// then the written policy's findings (for a dry run, on the store as the write would leave it).
    func writeWarnings(_ object: DecodedObject, fieldValidation: FieldValidation, dryRun: Bool) -> [(name: String, value: String)]
    {
        var headers: [(name: String, value: String)] = []
        if fieldValidation == .warn {
            let shown = object.unknownFields.prefix(20)
            headers = shown.map { ("Warning", Self.warningValue("unknown field \"\($0)\"", limit: Self.warningTextLimit)) }
            if object.unknownFields.count > shown.count {
                headers.append(("Warning", Self.warningValue("\(object.unknownFields.count - shown.count) more unknown fields")))
            }
        }
        var found: [LintFinding]
        if dryRun {
            found = []
            if object.key.kind.isPolicy, let preview = try? service.preview([object], mode: .apply) {
                found = findings(about: [object.key], preview: preview.after)
            }
        } else {
            found = findings(about: [object.key])
        }
        return headers + Self.warningHeaders(found)
    }
}

extension Router {
    /// `fieldValidation` of an import: `Strict` (the default), `Warn` or `Ignore`; another value is 400.
    func importFieldValidation(_ request: HTTPRequest) throws(APIError) -> FieldValidation {
        guard let text = request.query["fieldValidation"], !text.isEmpty else { return .strict }
        guard let mode = FieldValidation(rawValue: text) else {
            throw APIError.badRequest("fieldValidation \"\(text)\" is not one of Strict, Warn, Ignore")
        }
        return mode
    }

    /// One `Warning` per unknown field an import left out, naming its document (at most 20, then a count).
    func unknownFieldHeaders(_ bundle: DecodedBundle) -> [(name: String, value: String)] {
        var texts: [String] = []
        for (object, location) in zip(bundle.objects, bundle.locations) {
            for field in object.unknownFields {
                texts.append("\(location.withLine): \(object.key.kind.kind) \"\(object.key.name)\": unknown field \"\(field)\"")
            }
        }
        var headers = texts.prefix(20).map { ("Warning", Self.warningValue($0, limit: Self.warningTextLimit)) }
        if texts.count > 20 { headers.append(("Warning", Self.warningValue("\(texts.count - 20) more unknown fields"))) }
        return headers
    }
}
