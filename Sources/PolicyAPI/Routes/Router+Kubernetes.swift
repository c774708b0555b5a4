import Glibc
import MicroHTTP
import PolicyCore
import PolicyStore

/// The routes that let kubectl talk to netpold as to an API server: discovery (`/api`, `/apis`...),
/// the OpenAPI v3 documents it validates with, `/version`'s Kubernetes fields, Tables for `kubectl
/// get`, and unknown fields refused as the API server refuses them under `fieldValidation=Strict`.
extension Router {
    /// The paths this file answers, besides the object routes.
    enum KubernetesRoute: Equatable {
        case coreVersions
        case groups
        case group(String)
        case resources(group: String, version: String)
        case openAPIIndex
        case openAPIDocument(String)

        init?(_ segments: [String]) {
            switch segments.first {
            case "api":
                switch segments.count {
                case 1: self = .coreVersions
                case 2: self = .resources(group: "", version: segments[1])
                default: return nil
                }
            case "apis":
                switch segments.count {
                case 1: self = .groups
                case 2: self = .group(segments[1])
                case 3: self = .resources(group: segments[1], version: segments[2])
                default: return nil
                }
            case "openapi":
                guard segments.count >= 2, segments[1] == "v3" else { return nil }
                self = segments.count == 2 ? .openAPIIndex : .openAPIDocument(segments.dropFirst(2).joined(separator: "/"))
            default:
                return nil
            }
        }

        /// The route's template, for metric labels.
        var label: String {
            switch self {
            case .coreVersions: "/api"
            case .groups: "/apis"
            case .group: "/apis/{group}"
            case .resources(let group, _): group.isEmpty ? "/api/{version}" : "/apis/{group}/{version}"
            case .openAPIIndex: "/openapi/v3"
            case .openAPIDocument: "/openapi/v3/{groupVersion}"
            }
        }
    }

    /// Answers a discovery or OpenAPI path; nil when the path is none of them.
    func kubernetesAPI(_ request: HTTPRequest, _ segments: [String]) throws -> HTTPResponse? {
        guard let route = KubernetesRoute(segments) else { return nil }
        try allow(request, "GET")
        let notFound = APIError.routeNotFound(request.path)
        switch route {
        case .coreVersions:
            return .json(APIDiscovery.apiVersions(serverAddress: request.headers["host"]))
        case .groups:
            return .json(APIDiscovery.apiGroupList())
        case .group(let group):
            guard let body = APIDiscovery.apiGroup(group) else { throw notFound }
            return .json(body)
        case .resources(let group, let version):
            guard let body = APIDiscovery.apiResourceList(group: group, version: version) else { throw notFound }
            return .json(body)
        case .openAPIIndex:
            return HTTPResponse(status: 200, contentType: "application/json", body: KubernetesOpenAPI.index)
        case .openAPIDocument(let path):
            guard let body = KubernetesOpenAPI.documents[path] else { throw notFound }
            return HTTPResponse(status: 200, contentType: "application/json", body: body)
        }
    }

    /// `GET /version`.
    func versionDocument() -> JSONValue {
        ServerVersion.document(netpold: version, schemaVersions: service.repository.schemaVersions)
    }

    /// A GET of one object, answered as its `Accept` header asks (the object, a Table, its metadata).
    func presentObject(_ request: HTTPRequest, _ kind: ResourceKind, _ object: JSONValue) throws -> HTTPResponse {
        try ObjectPresentation(request, list: false).response(kind: kind, object: object, now: Router.currentSeconds())
    }

    /// A GET of a collection (`list`, the `{kind}List`), answered as its `Accept` header asks.
    func presentList(_ request: HTTPRequest, _ kind: ResourceKind, _ list: JSONValue) throws -> HTTPResponse {
        try ObjectPresentation(request, list: true).response(kind: kind, list: list, now: Router.currentSeconds())
    }

    /// Seconds since 1970, for the ages in Tables.
    static func currentSeconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}
