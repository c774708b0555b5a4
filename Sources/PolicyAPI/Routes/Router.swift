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

    public init(
        metrics: Metrics = Metrics(), decisionRecorder: (any DecisionRecorder)? = nil, openAPI: String? = nil,
        accessControl: AccessControl = AccessControl(), heavyWork: HeavyWorkGate = HeavyWorkGate()
    ) {
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
                            try options.heavyWork.handle(request, context) { request, context in
                                try route(request, context)
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
        switch request.method {
        case "POST":
            return request.path == "/v1/decide" || request.path == "/v1/decide/batch" ? .inline : .background
        case "GET", "HEAD":
            if request.path == "/v1/export" { return .background }
            let segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if let target = ResourcePath(segments), target.name == nil { return .background }
            return .inline
        default:
            return .background
        }
    }

    /// Requests that parse or produce whole bundles go through ``HeavyWorkGate``.
    static func isHeavy(_ request: HTTPRequest, _ segments: [String]) -> Bool {
        if request.body.count > heavyBodyBytes { return true }
        return segments == ["v1", "import"] || segments == ["v1", "export"]
    }

    /// The route template a path matched, for metric labels (names and namespaces left out).
    static func routeLabel(_ segments: [String]) -> String {
        // The hot routes first, without building strings.
        if segments.count >= 2, segments[0] == "v1" {
            switch (segments.count, segments[1]) {
            case (2, "decide"): return "/v1/decide"
            case (3, "decide") where segments[2] == "batch": return "/v1/decide/batch"
            case (2, "import"): return "/v1/import"
            case (2, "export"): return "/v1/export"
            case (3, "selectors") where segments[2] == "evaluate": return "/v1/selectors/evaluate"
            default: return "other"
            }
        }
        if let target = ResourcePath(segments) {
            let prefix = target.kind.group.isEmpty ? "/api/v1" : "/apis/\(target.kind.group)/\(target.kind.version)"
            let scope = target.namespace == nil ? "" : "/namespaces/{namespace}"
            return prefix + scope + "/" + target.kind.plural + (target.name == nil ? "" : "/{name}")
        }
        let known: Set<String> = [
            "/healthz", "/readyz", "/version", "/metrics", "/openapi.yaml", "/v1/import", "/v1/export", "/v1/decide",
            "/v1/decide/batch", "/v1/selectors/evaluate",
        ]
        let path = "/" + segments.joined(separator: "/")
        return known.contains(path) ? path : "other"
    }

    private func route(_ request: HTTPRequest, _ context: RequestContext) throws -> HTTPResponse {
        switch context.segments {
        case ["healthz"]:
            try allow(request, ["GET"])
            return .json(.object(["status": .string("ok")]))
        case ["readyz"]:
            try allow(request, ["GET"])
            _ = try service.repository.revision()
            return .json(.object(["status": .string("ready"), "revision": .integer(service.current.revision)]))
        case ["version"]:
            try allow(request, ["GET"])
            return .json(
                .object([
                    "name": .string("netpold"), "version": .string(version),
                    "schemaVersion": .string(service.repository.schemaVersions.last ?? ""),
                    "migrations": .array(service.repository.schemaVersions.map { .string($0) }),
                ]))
        case ["v1", "import"]:
            try allow(request, ["POST"])
            return try importBundle(request)
        case ["v1", "export"]:
            try allow(request, ["GET"])
            return try export(request)
        case ["v1", "decide"]:
            try allow(request, ["GET", "POST"])
            return try decide(request, requestID: context.requestID)
        case ["v1", "decide", "batch"]:
            try allow(request, ["POST"])
            return try decideBatch(request, requestID: context.requestID)
        case ["metrics"]:
            try allow(request, ["GET"])
            return metrics()
        case ["openapi.yaml"]:
            try allow(request, ["GET"])
            guard let document = options.openAPI else { throw APIError.routeNotFound(request.path) }
            return HTTPResponse(status: 200, contentType: "application/yaml", body: Array(document.utf8))
        case ["v1", "selectors", "evaluate"]:
            try allow(request, ["POST"])
            return try evaluateSelector(request)
        default:
            if let target = ResourcePath(context.segments) { return try handleResource(request, target) }
            throw APIError.routeNotFound(request.path)
        }
    }

    func allow(_ request: HTTPRequest, _ methods: [String]) throws(APIError) {
        guard methods.contains(request.method) else { throw APIError.methodNotAllowed(request.method, request.path) }
    }
}

extension HTTPResponse {
    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", body: JSONWriter.bytes(value))
    }
}
