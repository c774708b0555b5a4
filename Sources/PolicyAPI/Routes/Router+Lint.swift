import Logging
import MicroHTTP
import PolicyCore

/// Findings about policies: all of them on `GET /v1/lint`, and those about what a write wrote on
/// every write (in an import's `warnings`, and as `Warning` headers).
extension Router {
    /// `GET /v1/lint?namespace=&severity=`: `{"revision": N, "findings": [...]}`.
    func lint(_ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.query
        try rejectUnknownParameters(query, allowed: ["namespace", "severity"])
        var namespaces: Set<String>?
        if let text = query["namespace"], !text.isEmpty {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0.trimmingWhitespace()) }
            if let bad = names.first(where: { NameRules.dns1123LabelProblem($0) != nil }) {
                throw APIError.invalidField("namespace", "\"\(bad)\" is not a namespace name")
            }
            namespaces = Set(names)
        }
        var least = LintFinding.Severity.info
        if let text = query["severity"], !text.isEmpty {
            guard let severity = LintFinding.Severity(rawValue: text) else {
                throw APIError.invalidField(
                    "severity",
                    FieldError.notSupported("severity", text, supported: LintFinding.Severity.allCases.map(\.rawValue)).message)
            }
            least = severity
        }
        let (set, index) = service.connectivity()
        // All of a revision's findings are kept for the next question; a first question about some
        // namespaces lints only their policies (a pairwise finding sits on either policy's side).
        let found: [LintFinding]
        if let namespaces, service.keptLintFindings(set.revision) == nil {
            found = try PolicyLinter(set, index: index).findings(
                about: Set(set.policyKeys.filter { namespaces.contains($0.namespace) }))
        } else {
            found = try service.lintFindings(set, index)
        }
        let findings = found.filter { finding in
            guard finding.severity >= least else { return false }
            guard let namespaces else { return true }
            return finding.object?.namespace.map(namespaces.contains) ?? false
        }
        return .json(.object(["revision": .integer(set.revision), "findings": .array(findings.map(\.json))]))
    }

    /// Findings about the policies among `keys`, judged on `preview` (a dry run's set that was
    /// never published), else on the current set: what a write of them reports.
    func findings(about keys: some Sequence<ObjectKey>, preview: ConnectivityVersion? = nil) -> [LintFinding] {
        let policies = Set(keys.filter(\.kind.isPolicy))
        // Pod, namespace and workload writes lint nothing: no index is built for them.
        if policies.isEmpty { return [] }
        let (set, index) = preview.map { ($0.set, $0.index) } ?? service.connectivity()
        do {
            return try PolicyLinter(set, index: index).findings(about: policies)
        } catch {
            // The write has committed: a linter that cannot run must not turn it into an error answer.
            logger.error("no findings for the policies written: \(error)")
            return []
        }
    }

    /// The most `Warning` headers one response carries; the last one says how many more there are.
    static let warningHeaderLimit = 50

    /// One `Warning: 299 - "..."` header per finding (RFC 7234 §5.5, the header kubectl prints),
    /// the text a quoted-string: `"` and `\` escaped, control characters (which may not appear in
    /// a header) made spaces.
    static func warningHeaders(_ findings: [LintFinding]) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        var bytes = 0
        for (position, finding) in findings.enumerated() {
            let value = warningValue(finding.text, limit: warningTextLimit)
            // Room is kept for the last header, which says how many more there are.
            let last = position == findings.count - 1
            if headers.count == warningHeaderLimit - (last ? 0 : 1) || bytes + value.utf8.count > warningBytesLimit - 100 {
                let more = findings.count - headers.count
                headers.append(
                    ("Warning", warningValue("\(more) more findings: the response body or GET /v1/lint lists them all")))
                return headers
            }
            headers.append(("Warning", value))
            bytes += value.utf8.count
        }
        return headers
    }

    /// libmicrohttpd writes response headers into the connection's memory pool (32 KiB, shared
    /// with the request being read): past it the answer cannot be sent at all. So the Warning
    /// headers of one answer stay within 4 KiB, each text within 256 characters; the body lists
    /// every finding in full.
    static let warningBytesLimit = 4096
    static let warningTextLimit = 256

    static func warningValue(_ text: String, limit: Int = .max) -> String {
        var quoted = "299 - \""
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            if count > limit {
                quoted.append("...")
                break
            }
            switch scalar {
            case "\"", "\\":
                quoted.append("\\")
                quoted.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: quoted.append(" ")
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }
}
