import MicroHTTP
import PolicyCore
import PolicyStore

extension Router {
    func importBundle(_ request: HTTPRequest) throws -> HTTPResponse {
        let modeText = request.query["mode"] ?? "apply"
        guard let mode = ImportMode(rawValue: modeText) else {
            throw APIError.badRequest("mode \"\(modeText)\" is not one of apply, create, replace")
        }
        let dryRun = try flag(request, "dryRun", default: false, alsoTrue: ["All"])
        let createNamespaces = try flag(request, "createNamespaces", default: true)
        let namespace = request.query["namespace"].flatMap { $0.isEmpty ? nil : $0 }
        if let namespace, let problem = NameRules.dns1123LabelProblem(namespace) {
            throw APIError.badRequest("namespace \"\(namespace)\": \(problem)")
        }
        let documents = try BundleReader.documents(from: request)
        let fieldValidation = try importFieldValidation(request)
        let bundle = try BundleReader.decode(documents, defaultNamespace: namespace, fieldValidation: fieldValidation)
        let options = ImportOptions(
            createImpliedNamespaces: createNamespaces, locations: bundle.locations)
        // A dry run compiles what the import would leave (never published), to report its findings.
        let revision: Int64
        let outcomes: [ImportOutcome]
        var preview: ConnectivityVersion?
        if dryRun {
            let (before, after, found) = try service.preview(bundle.objects, mode: mode, options: options)
            (revision, outcomes, preview) = (before.set.revision, found, after)
        } else {
            (revision, outcomes) = try service.importBundle(bundle.objects, mode: mode, dryRun: false, options: options)
        }
        let results = Self.resultsJSON(outcomes)
        let skipped: [JSONValue] = bundle.skipped.map { skipped in
            var object: [String: JSONValue] = [
                "kind": .string(skipped.kind), "apiVersion": .string(skipped.apiVersion), "name": .string(skipped.name),
                "reason": .string(skipped.skip.reason.rawValue), "message": .string(skipped.skip.message),
            ]
            if !skipped.namespace.isEmpty { object["namespace"] = .string(skipped.namespace) }
            return .object(object)
        }
        // Every policy the bundle holds, changed or not: `netpold lint -f` asks about all of them.
        let warnings =
            Self.importFindings(outcomes: outcomes, skipped: bundle.skipped)
            + findings(about: bundle.objects.map(\.key), preview: preview)
        var response = HTTPResponse.json(
            .object([
                "revision": .integer(revision), "dryRun": .bool(dryRun), "results": .array(results), "skipped": .array(skipped),
                "warnings": .array(warnings.map(\.json)),
            ]))
        if fieldValidation == .warn { response.headers += unknownFieldHeaders(bundle) }
        response.headers += Self.warningHeaders(warnings)
        return response
    }

    /// What an import did (or would do) to each object.
    static func resultsJSON(_ outcomes: [ImportOutcome]) -> [JSONValue] {
        outcomes.map { outcome in
            var object: [String: JSONValue] = [
                "kind": .string(outcome.key.kind), "apiVersion": .string(outcome.key.apiVersion),
                "name": .string(outcome.key.name), "action": .string(outcome.action.rawValue),
            ]
            if !outcome.key.namespace.isEmpty { object["namespace"] = .string(outcome.key.namespace) }
            if let source = outcome.convertedFrom { object["convertedFrom"] = .string(source) }
            if outcome.implied { object["implied"] = .bool(true) }
            return .object(object)
        }
    }

    /// A boolean query parameter: `true` or `false` (empty is the default).
    func flag(_ request: HTTPRequest, _ name: String, default value: Bool, alsoTrue: Set<String> = []) throws(APIError)
        -> Bool
    {
        guard let text = request.query[name], !text.isEmpty else { return value }
        if text == "true" || alsoTrue.contains(text) { return true }
        if text == "false" { return false }
        throw APIError.badRequest("\(name) must be true or false")
    }

    /// What a person should know about an import that succeeded, besides its policies' findings:
    /// implied namespaces carry only their name label, and skipped kinds that look like another
    /// product's network policy are not part of any answer.
    static func importFindings(outcomes: [ImportOutcome], skipped: [SkippedObject]) -> [LintFinding] {
        var warnings: [LintFinding] = []
        let created = outcomes.filter { $0.implied && $0.action == .created }.map(\.key.name)
        if !created.isEmpty {
            let shown = created.prefix(10).joined(separator: ", ") + (created.count > 10 ? " and \(created.count - 10) more" : "")
            let subject = created.count == 1 ? "namespace \(shown) is" : "namespaces \(shown) are"
            warnings.append(
                LintFinding(
                    code: .namespaceImplied, object: nil, field: nil,
                    message: "\(subject) not in the bundle and \(created.count == 1 ? "was" : "were") created with only the "
                        + "label kubernetes.io/metadata.name: namespaceSelectors that use other labels will not select "
                        + "\(created.count == 1 ? "it" : "them"); import the Namespace objects to keep their labels"))
        }
        var policyLike: [String: Int] = [:]
        for object in skipped where DocumentKinds.looksLikeNetworkPolicy(kind: object.kind) {
            policyLike["\(object.kind) (\(object.apiVersion))", default: 0] += 1
        }
        for (kind, count) in policyLike.sorted(by: { $0.key < $1.key }) {
            warnings.append(
                LintFinding(
                    code: .kindSkipped, object: nil, field: nil,
                    message: "skipped \(count) \(kind): netpold decides by Kubernetes and Calico policies only, so its "
                        + "answers do not take \(count == 1 ? "it" : "them") into account"))
        }
        return warnings
    }

    func export(_ request: HTTPRequest) throws -> HTTPResponse {
        let (revision, records) = try service.repository.loadAll()
        let bodies = records.sorted { $0.key < $1.key }.map(\.body)
        let accept = request.header("accept") ?? ""
        if accept.contains("application/json") {
            return .json(
                .object([
                    "kind": .string("List"), "apiVersion": .string("v1"),
                    "metadata": .object(["resourceVersion": .string(String(revision))]), "items": .array(bodies),
                ]))
        }
        let text = try YAMLCodec.serialize(bodies)
        return HTTPResponse(status: 200, contentType: "application/yaml", body: Array(text.utf8))
    }
}
