public import Logging
public import MicroHTTP
import PolicyCore
import PolicyStore

/// What the router needs besides the service: observability sinks and served documents.
public struct RouterOptions: Sendable {
    public var metrics = Metrics()
    /// Receives one JSON line per decision when set (`--decision-log`).
    public var decisionRecorder: (any DecisionRecorder)?
    /// The OpenAPI document served at `/openapi.yaml`.
    public var openAPI: String?
    /// Bearer tokens required for writes and reads.
    public var accessControl = AccessControl()
    /// Bounds the imports, exports and very large requests that run at once.
    public var heavyWork = HeavyWorkGate()
    /// The most entries a connectivity answer may list (`--max-connections`).
    public var maxConnections = 1_000_000
    /// Watches: how many at once, bookmarks, the default timeout.
    public var watch = WatchOptions()
    /// How long a request naming a `minRevision` this replica has not reached waits before `504`.
    public var minRevisionWait: Duration = .seconds(2)

    public init(
        metrics: Metrics = Metrics(), decisionRecorder: (any DecisionRecorder)? = nil, openAPI: String? = nil,
        accessControl: AccessControl = AccessControl(), heavyWork: HeavyWorkGate = HeavyWorkGate(),
        maxConnections: Int = 1_000_000
    ) {
        self.maxConnections = maxConnections
        self.metrics = metrics
        self.decisionRecorder = decisionRecorder
        self.openAPI = openAPI
        self.accessControl = accessControl
        self.heavyWork = heavyWork
    }
}

/// Maps requests to the service: `handle(_:)` is a plain function, so tests need no socket.
public struct Router: Sendable {
    public let service: PolicyService
    public let version: String
    public let options: RouterOptions
    let logger: Logger
    let accessLog: AccessLogMiddleware
    let requestMetrics: MetricsMiddleware
    let errors: ErrorMiddleware
    let readYourWrites: MinRevisionMiddleware

    public init(
        service: PolicyService, version: String, options: RouterOptions = RouterOptions(),
        logger: Logger = Logger(label: "netpold.api")
    ) {
        self.service = service
        self.version = version
        self.options = options
        self.logger = logger
        accessLog = AccessLogMiddleware(logger: logger)
        requestMetrics = MetricsMiddleware(metrics: options.metrics)
        errors = ErrorMiddleware(logger: logger)
        readYourWrites = MinRevisionMiddleware(service: service, wait: options.minRevisionWait)
    }

    /// Answers one request, through the steps that every request takes, outermost first. Each step
    /// is a small type with one job (`Routes/Middleware/`, ``AccessControl``, ``HeavyWorkGate``);
    /// the closures do not escape, so the chain allocates nothing.
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let context = RequestContext(request)
        return RequestIDMiddleware().handle(request, context) { request, context in
            accessLog.handle(request, context) { request, context in
                requestMetrics.handle(request, context) { request, context in
                    errors.handle(request, context) { request, context in
                        try options.accessControl.handle(request, context) { request, context in
                            try readYourWrites.handle(request, context) { request, context in
                                try options.heavyWork.handle(request, context) { request, context in
                                    try route(request, context)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Bodies above this size are parsed as heavy work, whatever the route.
    static let heavyBodyBytes = 256 << 10

    /// Where the server answers a request: decisions and small reads on the event loop, anything
    /// that may block (writes waiting on fsync, imports, exports, lists) on a thread of its own.
    public static func lane(for request: HTTPRequest) -> HTTPLane {
        if request.body.count > heavyBodyBytes { return .background }
        // The first staged answer after a write applies the staged policies to the compiled set.
        if request.query["staged"] != nil { return .background }
        // It may wait for this replica to catch up.
        if MinRevisionMiddleware.asksForRevision(request) { return .background }
        switch request.method {
        case "POST":
            return request.path == "/v1/decide" || request.path == "/v1/decide/batch" ? .inline : .background
        case "GET", "HEAD":
            if request.path == "/v1/export" || request.path == "/v1/connectivity" || request.path == "/v1/reachability"
                || request.path == "/v1/lint"
            {
                return .background
            }
            // Only resource URLs (`/api/...`, `/apis/...`) list collections: the rest need no split.
            guard mayNameResource(request.path) else { return .inline }
            let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if let target = ResourcePath(segments), target.name == nil { return .background }
            return .inline
        default:
            return .background
        }
    }

    /// As ``lane(for:)-swift.type.method``, for this router's store: on PostgreSQL, a request that
    /// reads the store (an object, `/metrics`' counts) makes a network round trip and may queue
    /// behind another replica's write, so it leaves the event loop too. Decisions never read it.
    public func lane(for request: HTTPRequest) -> HTTPLane {
        let lane = Self.lane(for: request)
        guard lane == .inline, service.repository.engine == .postgres else { return lane }
        return Self.mayNameResource(request.path) || request.path == "/metrics" ? .background : .inline
    }

    /// Whether the path's first segment starts with `api`, as every ``ResourcePath`` does.
    static func mayNameResource(_ path: String) -> Bool {
        var bytes = path.utf8.drop { $0 == UInt8(ascii: "/") }.makeIterator()
        return bytes.next() == UInt8(ascii: "a") && bytes.next() == UInt8(ascii: "p") && bytes.next() == UInt8(ascii: "i")
    }

    /// Requests that parse or produce whole bundles, and whole-cluster connectivity answers and lint
    /// (seconds of CPU on a large cluster), go through ``HeavyWorkGate``: a client asking for many at once
    /// waits in line at a lower priority instead of taking the cores from decisions.
    static func isHeavy(_ request: HTTPRequest, _ fixedRoute: FixedRoute?) -> Bool {
        if request.body.count > heavyBodyBytes { return true }
        return fixedRoute == .importBundle || fixedRoute == .exportBundle || fixedRoute == .connectivity
            || fixedRoute == .connectivityDiff || fixedRoute == .lint
    }

    /// The route template a request matched, for metric labels (names and namespaces left out).
    static func routeLabel(_ context: RequestContext) -> String {
        context.fixedRoute?.path ?? routeLabel(context.segments)
    }

    /// Every fixed route's path.
    private static let knownPaths = Set(FixedRoute.allCases.map(\.path))

    /// The route template a path matched, for metric labels (names and namespaces left out).
    static func routeLabel(_ segments: [String]) -> String {
        // The hot routes first, without building strings.
        if segments.count >= 2, segments[0] == "v1" {
            switch (segments.count, segments[1]) {
            case (2, "decide"): return "/v1/decide"
            case (3, "decide") where segments[2] == "batch": return "/v1/decide/batch"
            case (2, "import"): return "/v1/import"
            case (2, "export"): return "/v1/export"
            case (2, "reachability"): return "/v1/reachability"
            case (2, "connectivity"): return "/v1/connectivity"
            case (2, "lint"): return "/v1/lint"
            case (3, "selectors") where segments[2] == "evaluate": return "/v1/selectors/evaluate"
            case (3, "connectivity") where segments[2] == "diff": return "/v1/connectivity/diff"
            default: return "other"
            }
        }
        if let target = ResourcePath(segments) {
            let prefix = target.kind.group.isEmpty ? "/api/v1" : "/apis/\(target.kind.group)/\(target.kind.version)"
            let scope = target.namespace == nil ? "" : "/namespaces/{namespace}"
            return prefix + scope + "/" + target.kind.plural + (target.name == nil ? "" : "/{name}")
        }
        if let route = KubernetesRoute(segments) { return route.label }
        let path = "/" + segments.joined(separator: "/")
        return knownPaths.contains(path) ? path : "other"
    }

    private func route(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        guard let fixedRoute = context.fixedRoute else {
            if let target = ResourcePath(context.segments) { return try handleResource(request, target) }
            if let response = try kubernetesAPI(request, context.segments) { return response }
            throw APIError.routeNotFound(request.path)
        }
        switch fixedRoute {
        case .healthz:
            try allow(request, "GET")
            return HTTPResponse(status: 200, contentType: "application/json", body: Router.healthzBody)
        case .readyz:
            try allow(request, "GET")
            return try readiness()
        case .version:
            try allow(request, "GET")
            return .json(versionDocument())
        case .importBundle:
            try allow(request, "POST")
            return try importBundle(request)
        case .exportBundle:
            try allow(request, "GET")
            return try export(request)
        case .decide:
            try allow(request, "GET", "POST")
            return try decide(request, requestID: context.requestID)
        case .decideBatch:
            try allow(request, "POST")
            return try decideBatch(request, requestID: context.requestID)
        case .metrics:
            try allow(request, "GET")
            return metrics()
        case .openAPI:
            try allow(request, "GET")
            guard let document = options.openAPI else { throw APIError.routeNotFound(request.path) }
            return HTTPResponse(status: 200, contentType: "application/yaml", body: Array(document.utf8))
        case .evaluateSelector:
            try allow(request, "POST")
            return try evaluateSelector(request)
        case .reachability:
            try allow(request, "GET", "POST")
            return try reachability(request)
        case .connectivity:
            try allow(request, "GET")
            return try connectivity(request)
        case .connectivityDiff:
            try allow(request, "POST")
            return try connectivityDiff(request)
        case .lint:
            try allow(request, "GET")
            return try lint(request)
        case .page, .pageScript, .pageStyle:
            try allow(request, "GET", "HEAD")
            return Router.pageResponse(fixedRoute)
        }
    }

    /// `/readyz`: ready once every revision the store announced is applied. A replica whose
    /// PostgreSQL is down stays ready (its decisions go on, from the revision it has, and say which);
    /// one on SQLite, which owns its file, is ready only while the file can be read.
    func readiness() throws -> HTTPResponse {
        let engine = service.repository.engine
        if engine == .sqlite { _ = try service.repository.revision() }
        let standing = service.standing
        guard standing.caughtUp else {
            throw APIError.unavailable(
                "catching up with the store: at revision \(standing.applied) of \(standing.announced)")
        }
        return .json(
            .object([
                "status": .string("ready"), "revision": .integer(standing.applied), "store": .string(engine.rawValue),
                "storeReachable": .bool(standing.storeReachable),
            ]))
    }

    /// The `/healthz` answer never changes: written once.
    static let healthzBody = JSONWriter.bytes(.object(["status": .string("ok")]))

    func allow(_ request: HTTPRequest, _ method: String) throws(APIError) {
        guard request.method == method else { throw APIError.methodNotAllowed(request.method, request.path) }
    }

    func allow(_ request: HTTPRequest, _ method: String, _ other: String) throws(APIError) {
        guard request.method == method || request.method == other else {
            throw APIError.methodNotAllowed(request.method, request.path)
        }
    }

}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONWriter.bytes(value))
    }
}
