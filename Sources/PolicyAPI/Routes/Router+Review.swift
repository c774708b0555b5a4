import MicroHTTP
import PolicyCore

/// Review a change before it lands: what a bundle would open or close, against the store now,
/// without storing it.
extension Router {
    func connectivityDiff(_ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.query
        try rejectUnknownParameters(
            query, allowed: ["mode", "namespace", "groupBy", "port", "protocol", "createNamespaces", "staged"])
        let modeText = query["mode"] ?? "apply"
        guard let mode = ImportMode(rawValue: modeText), mode != .create else {
            throw APIError.invalidField(
                "mode", FieldError.notSupported("mode", modeText, supported: ["apply", "replace"]).message)
        }
        let question = try connectivityQuery(query)
        let createNamespaces = try flag(request, "createNamespaces", default: true)
        let staged = try stagedParameter(query)
        // With staged=true the bundle may be empty: the question is then what promoting the staged policies would do.
        if staged, request.body.isEmpty, mode == .replace {
            throw APIError.invalidField(
                "mode", "mode=replace with an empty bundle would delete every object; send the bundle, or use mode=apply")
        }
        let documents = staged && request.body.isEmpty ? [] : try BundleReader.documents(from: request)
        // One namespace in scope is also where objects that name none go, as `kubectl -n` does.
        let defaultNamespace = question.namespaces.flatMap { $0.count == 1 ? $0[0] : nil }
        let bundle = try BundleReader.decode(documents, defaultNamespace: defaultNamespace)
        let (before, after, outcomes) = try service.preview(
            bundle.objects, mode: mode,
            options: ImportOptions(createImpliedNamespaces: createNamespaces, locations: bundle.locations), staged: staged)
        let cells = question.groupBy == .namespace ? service.namespaceCells(before, question) : nil
        let diff = try ConnectivityDiff(
            before: before, after: after, query: question, limit: options.maxConnections, jobs: .cores, cells: cells)
        var out: [UInt8] = []
        out.append(contentsOf: #"{"revision":\#(diff.revision),"groupBy":"\#(diff.groupBy.rawValue)","changes":["#.utf8)
        for (position, change) in diff.changes.enumerated() {
            out.append(contentsOf: position == 0 ? #"{"from":"#.utf8 : #",{"from":"#.utf8)
            JSONWriter.writeString(change.from, into: &out)
            out.append(contentsOf: #","to":"#.utf8)
            JSONWriter.writeString(change.to, into: &out)
            out.append(contentsOf: #","before":"#.utf8)
            change.before.writeJSON(into: &out)
            out.append(contentsOf: #","after":"#.utf8)
            change.after.writeJSON(into: &out)
            if let old = change.pairsBefore, let new = change.pairsAfter {
                out.append(contentsOf: #","pairs":{"before":{"allowed":\#(old.allowed),"total":\#(old.total)},"#.utf8)
                out.append(contentsOf: #""after":{"allowed":\#(new.allowed),"total":\#(new.total)}}"#.utf8)
            }
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: #"],"summary":{"pairsChanged":\#(diff.changes.count),"#.utf8)
        out.append(contentsOf: #""pairsGained":\#(diff.pairsGained),"pairsLost":\#(diff.pairsLost)},"results":"#.utf8)
        JSONWriter.write(.array(Self.resultsJSON(outcomes)), into: &out)
        out.append(UInt8(ascii: "}"))
        var response = HTTPResponse(status: 200, contentType: "application/json", body: out)
        response.headers.append(("X-Netpold-Revision", String(diff.revision)))
        return response
    }
}
