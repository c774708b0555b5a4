import MicroHTTP
import PolicyCore
import PolicyStore

extension Router {
    func importBundle(_ request: HTTPRequest) throws -> HTTPResponse {
        let modeText = request.query["mode"] ?? "apply"
        guard let mode = ImportMode(rawValue: modeText) else {
            throw APIError.badRequest("mode \"\(modeText)\" is not one of apply, create, replace")
        }
        let dryRunText = request.query["dryRun"] ?? "false"
        guard let dryRun = ["true": true, "false": false, "All": true, "": false][dryRunText] else {
            throw APIError.badRequest("dryRun must be true or false")
        }
        let namespace = request.query["namespace"].flatMap { $0.isEmpty ? nil : $0 }
        if let namespace, let problem = NameRules.dns1123LabelProblem(namespace) {
            throw APIError.badRequest("namespace \"\(namespace)\": \(problem)")
        }
        let documents = try BundleReader.documents(from: request)
        let objects = try BundleReader.decode(documents, defaultNamespace: namespace)
        let (revision, outcomes) = try service.importBundle(objects, mode: mode, dryRun: dryRun)
        let results: [JSONValue] = outcomes.map { outcome in
            var object: [String: JSONValue] = [
                "kind": .string(outcome.key.kind), "apiVersion": .string(outcome.key.apiVersion),
                "name": .string(outcome.key.name), "action": .string(outcome.action.rawValue),
            ]
            if !outcome.key.namespace.isEmpty { object["namespace"] = .string(outcome.key.namespace) }
            if let source = outcome.convertedFrom { object["convertedFrom"] = .string(source) }
            return .object(object)
        }
        return .json(.object(["revision": .integer(revision), "dryRun": .bool(dryRun), "results": .array(results)]))
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
