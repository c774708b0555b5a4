import MicroHTTP

/// What the steps around a request share, made once when the request reaches the router.
struct RequestContext {
    /// The client's `X-Request-Id` when acceptable, else a new one (``RequestIDMiddleware``).
    let requestID: String
    /// The path split at `/`: for resource routes and error messages. For a fixed route
    /// written the usual way this is the route's own constant, so the common requests split nothing.
    let segments: [String]
    /// The fixed route the path names, if any: routing, access rules, the heavy-work rule and
    /// metric labels switch on it instead of comparing arrays of strings.
    let fixedRoute: FixedRoute?
    /// When the request reached the router, for its duration.
    let started: ContinuousClock.Instant

    init(_ request: HTTPRequest) {
        started = ContinuousClock.now
        requestID = RequestIDMiddleware.id(for: request)
        if let fixedRoute = FixedRoute(path: request.path) {
            self.fixedRoute = fixedRoute
            segments = fixedRoute.segments
        } else {
            segments = request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            fixedRoute = FixedRoute(segments: segments)
        }
    }

    /// Seconds since the request arrived.
    var elapsedSeconds: Double {
        (ContinuousClock.now - started).seconds
    }
}

/// The routes with a fixed path (everything but the Kubernetes-style resource URLs).
enum FixedRoute: Int, CaseIterable {
    case healthz, readyz, version, metrics, openAPI
    case importBundle, exportBundle, decide, decideBatch, evaluateSelector
    case reachability, connectivity, connectivityDiff, lint
    /// The connectivity page and its two assets.
    case page, pageScript, pageStyle

    /// The path as clients write it, which is also its metric label.
    var path: String {
        switch self {
        case .healthz: return "/healthz"
        case .readyz: return "/readyz"
        case .version: return "/version"
        case .metrics: return "/metrics"
        case .openAPI: return "/openapi.yaml"
        case .importBundle: return "/v1/import"
        case .exportBundle: return "/v1/export"
        case .decide: return "/v1/decide"
        case .decideBatch: return "/v1/decide/batch"
        case .evaluateSelector: return "/v1/selectors/evaluate"
        case .reachability: return "/v1/reachability"
        case .connectivity: return "/v1/connectivity"
        case .connectivityDiff: return "/v1/connectivity/diff"
        case .lint: return "/v1/lint"
        case .page: return "/ui"
        case .pageScript: return "/ui/app.js"
        case .pageStyle: return "/ui/app.css"
        }
    }

    /// The path split at `/`, made once per process.
    var segments: [String] { FixedRoute.segmentTable[rawValue] }

    /// In `allCases` order, which is `rawValue` order.
    private static let segmentTable: [[String]] = allCases.map {
        $0.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The route a path names when written exactly as ``path`` (no doubled or trailing slashes).
    init?(path: String) {
        switch path {
        case "/v1/decide": self = .decide
        case "/healthz": self = .healthz
        case "/v1/decide/batch": self = .decideBatch
        case "/readyz": self = .readyz
        case "/metrics": self = .metrics
        case "/version": self = .version
        case "/v1/import": self = .importBundle
        case "/v1/export": self = .exportBundle
        case "/openapi.yaml": self = .openAPI
        case "/v1/selectors/evaluate": self = .evaluateSelector
        case "/v1/reachability": self = .reachability
        case "/v1/connectivity": self = .connectivity
        case "/v1/connectivity/diff": self = .connectivityDiff
        case "/v1/lint": self = .lint
        case "/ui": self = .page
        case "/ui/app.js": self = .pageScript
        case "/ui/app.css": self = .pageStyle
        default: return nil
        }
    }

    /// The route a split path names, however many slashes separated its segments.
    init?(segments: [String]) {
        switch segments.count {
        case 1:
            switch segments[0] {
            case "healthz": self = .healthz
            case "readyz": self = .readyz
            case "version": self = .version
            case "metrics": self = .metrics
            case "openapi.yaml": self = .openAPI
            case "ui": self = .page
            default: return nil
            }
        case 2 where segments[0] == "v1":
            switch segments[1] {
            case "import": self = .importBundle
            case "export": self = .exportBundle
            case "decide": self = .decide
            case "reachability": self = .reachability
            case "connectivity": self = .connectivity
            case "lint": self = .lint
            default: return nil
            }
        case 2 where segments[0] == "ui":
            switch segments[1] {
            case "app.js": self = .pageScript
            case "app.css": self = .pageStyle
            default: return nil
            }
        case 3 where segments[0] == "v1":
            switch (segments[1], segments[2]) {
            case ("decide", "batch"): self = .decideBatch
            case ("selectors", "evaluate"): self = .evaluateSelector
            case ("connectivity", "diff"): self = .connectivityDiff
            default: return nil
            }
        default:
            return nil
        }
    }
}
