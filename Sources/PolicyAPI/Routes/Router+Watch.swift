import MicroHTTP
import PolicyCore
import PolicyStore

/// How watches behave (``RouterOptions/watch``).
public struct WatchOptions: Sendable {
    /// Watches open at once; more get `429 TooManyRequests` (`--max-watches`).
    public var maxWatches = 500
    /// How often a watch that asked for bookmarks (`allowWatchBookmarks=true`) gets one, as the
    /// Kubernetes API server does (about every minute).
    public var bookmarkInterval: Duration = .seconds(60)
    /// The seconds a watch without `timeoutSeconds` lasts: a random number in this range, as the
    /// Kubernetes API server draws one between `--min-request-timeout` (30 min) and twice it, so
    /// that clients do not all come back at once.
    public var defaultTimeoutSeconds: ClosedRange<Int> = 1800...3600

    public init() {}
}

extension Router {
    /// Whether a list request asks to watch: `watch` given and not false, read as the Kubernetes
    /// API server reads boolean parameters (`0`, `f` and `false`, in any case, are false; anything
    /// else, even empty, is true).
    static func wantsWatch(_ request: HTTPRequest) -> Bool {
        flag(request.query["watch"]) ?? false
    }

    private static func flag(_ text: String?) -> Bool? {
        guard let text else { return nil }
        return !(text == "0" || text.lowercased() == "f" || text.lowercased() == "false")
    }

    /// `GET <list path>?watch=true`: a stream of `{"type": ..., "object": ...}` lines, one per change
    /// (see ``WatchSession``), from `resourceVersion` on, or from the current objects as `ADDED`
    /// events without it. The request runs on the background lane (it may list every object first);
    /// the stream then waits for events without holding a thread.
    func watch(_ request: HTTPRequest, _ target: ResourcePath) throws -> HTTPResponse {
        let query = request.query
        let version = query["resourceVersion"] ?? ""
        let sendInitialEvents = Self.flag(query["sendInitialEvents"])
        let match = query["resourceVersionMatch"] ?? ""
        try Self.validateWatch(sendInitialEvents: sendInitialEvents, match: match, continue: query["continue"] ?? "")
        var requested: Int64 = 0
        if !version.isEmpty {
            guard let parsed = Int64(version), parsed >= 0 else {
                throw APIError.badRequest("invalid resource version \"\(version)\": must be a resourceVersion this server issued")
            }
            requested = parsed
        }
        var labels: LabelQuery?
        if let text = query["labelSelector"] {
            do {
                labels = try LabelQuery(text)
            } catch {
                throw APIError.badRequest("unable to parse requirement: \(error.message)", causes: [error])
            }
        }
        let fields = try FieldQuery.parse(query["fieldSelector"])
        var timeoutSeconds = Int.random(in: options.watch.defaultTimeoutSeconds)
        if let text = query["timeoutSeconds"], !text.isEmpty {
            guard let seconds = Int(text), seconds >= 0 else {
                throw APIError.badRequest("timeoutSeconds must be a non-negative integer")
            }
            if seconds > 0 { timeoutSeconds = seconds }
        }
        let bookmarks = Self.flag(query["allowWatchBookmarks"]) ?? false

        let feed = service.changeFeed
        guard let ticket = feed.open(target.kind, limit: options.watch.maxWatches) else {
            throw APIError.tooManyRequests(
                "too many watches are open (the server's --max-watches is \(options.watch.maxWatches)); try again later",
                retryAfterSeconds: 1)
        }
        var handedOver = false
        defer { if !handedOver { feed.close(ticket) } }

        var filter = WatchFilter(kind: target.kind, namespace: target.namespace, labels: labels, fields: fields)
        // kubectl asks for Tables (`get -w`): each event's object is then a one-row Table.
        if case .table(let version, let include) = try ObjectPresentation(request, list: true) {
            filter.table = (version, include)
        }
        // Without a resourceVersion (or "0"), and unless sendInitialEvents=false: the current objects
        // first, as ADDED events. sendInitialEvents=true: the same from a resourceVersion, which the
        // state sent must not be older than.
        let initial = sendInitialEvents ?? (requested == 0)
        var start = requested
        var initialEvents: [UInt8] = []
        var initialEnd: Int64?
        if initial {
            let (revision, records) = try service.repository.list(target.kind, namespace: target.namespace)
            if requested > revision {
                var error = APIError(
                    code: 504, reason: "Timeout",
                    message: "Timeout: Too large resource version: \(requested), current: \(revision)",
                    causes: [FieldError(field: "", reason: "ResourceVersionTooLarge", message: "Too large resource version")])
                error.status.retryAfterSeconds = 1
                throw error
            }
            for record in records where filter.selects(record.key, labels: record.body["metadata"]?["labels"]?.stringMap ?? [:]) {
                WatchSession.appendEvent("ADDED", filter.render(JSONWriter.bytes(record.body)), to: &initialEvents)
            }
            start = revision
            if sendInitialEvents == true, bookmarks { initialEnd = revision }
        } else if version.isEmpty || version == "0" {
            // sendInitialEvents=false without a resourceVersion: from now on.
            start = feed.revision
        }
        let session = WatchSession(
            feed: feed, filter: filter, start: start, initialEvents: initialEvents, initialEnd: initialEnd,
            timeout: .seconds(timeoutSeconds), bookmarkInterval: bookmarks ? options.watch.bookmarkInterval : nil)
        let stream = HTTPEventStream({ session.next() }, onClose: { feed.close(ticket) })
        feed.attach(ticket, stream)
        handedOver = true
        return HTTPResponse(status: 200, contentType: "application/json", events: stream)
    }

    /// The API server's checks of a watch's `sendInitialEvents` and `resourceVersionMatch`.
    private static func validateWatch(sendInitialEvents: Bool?, match: String, continue token: String) throws(APIError) {
        var errors: [(FieldError, String)] = []
        func forbidden(_ field: String, _ detail: String) {
            errors.append((.forbidden(field, detail), "\(field): Forbidden: \(detail)"))
        }
        if sendInitialEvents != nil, match != "NotOlderThan" {
            forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan")
        }
        if !match.isEmpty {
            if sendInitialEvents == nil {
                forbidden(
                    "resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided")
            }
            if match != "NotOlderThan" {
                let error = FieldError.notSupported("resourceVersionMatch", match, supported: ["NotOlderThan"])
                errors.append((error, "resourceVersionMatch: \(error.message)"))
            }
            if !token.isEmpty {
                forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided")
            }
        }
        guard !errors.isEmpty else { return }
        let text = errors.count == 1 ? errors[0].1 : "[" + errors.map(\.1).joined(separator: ", ") + "]"
        throw APIError.invalid("ListOptions.meta.k8s.io \"\" is invalid: \(text)", causes: errors.map(\.0))
    }
}

/// Which events a watch gets: its path's kind and namespace, and its selectors.
struct WatchFilter: Sendable {
    let kind: ResourceKind
    let namespace: String?
    let labels: LabelQuery?
    let fields: FieldQuery?
    /// Set when the client asked for Tables: the `meta.k8s.io` version and what rows include.
    var table: (version: String, include: ObjectPresentation.IncludedObject)?

    init(kind: ResourceKind, namespace: String?, labels: LabelQuery?, fields: FieldQuery?) {
        self.kind = kind
        self.namespace = namespace
        self.labels = labels
        self.fields = fields
    }

    /// An event's object as the client asked for it: as stored, or as a one-row Table (with its
    /// column definitions: kubectl prints the header once).
    func render(_ object: [UInt8]) -> [UInt8] {
        guard let table, let value = try? JSONParser.parse(object) else { return object }
        var metadata: [String: JSONValue] = [:]
        if let revision = value["metadata"]?["resourceVersion"] { metadata["resourceVersion"] = revision }
        return JSONWriter.bytes(
            ObjectPresentation.table(
                kind: kind, items: [value], metadata: metadata, version: table.version, include: table.include,
                now: Router.currentSeconds()))
    }

    func selects(_ key: ObjectKey, labels objectLabels: [String: String]) -> Bool {
        key.kind == kind && (namespace == nil || key.namespace == namespace)
            && (fields?.matches(namespace: key.namespace, name: key.name) ?? true) && (labels?.matches(objectLabels) ?? true)
    }

    /// Appends the line a watcher with this filter gets for `event`, if any; true if it did. With
    /// a label selector, an object that starts matching is `ADDED` and one that stops is `DELETED`
    /// (its labels and body from before, the resourceVersion of the change), as Kubernetes sends them.
    func append(_ event: ChangeFeed.Event, to out: inout [UInt8]) -> Bool {
        guard event.key.kind == kind, namespace == nil || event.key.namespace == namespace,
            fields?.matches(namespace: event.key.namespace, name: event.key.name) ?? true
        else { return false }
        guard let labels else {
            WatchSession.appendEvent(Self.type(event.action), render(event.json), to: &out)
            return true
        }
        let now = labels.matches(event.labels)
        switch event.action {
        case .added, .deleted:
            guard now else { return false }
            WatchSession.appendEvent(Self.type(event.action), render(event.json), to: &out)
        case .modified:
            let before = event.previous.map { labels.matches($0.labels) } ?? now
            switch (before, now) {
            case (true, true): WatchSession.appendEvent("MODIFIED", render(event.json), to: &out)
            case (false, true): WatchSession.appendEvent("ADDED", render(event.json), to: &out)
            case (true, false): WatchSession.appendEvent("DELETED", render(event.previous?.json ?? event.json), to: &out)
            case (false, false): return false
            }
        }
        return true
    }

    private static func type(_ action: ObjectWrite.Action) -> String {
        switch action {
        case .added: "ADDED"
        case .modified: "MODIFIED"
        case .deleted: "DELETED"
        }
    }
}
