import Glibc
import Logging
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore

/// The repository's top folder, found from this file's path.
let repositoryRoot: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

/// Request lines are info: a passing test prints nothing, while an internal error still shows.
let quietLogger: Logger = {
    var logger = Logger(label: "netpold.api.test")
    logger.logLevel = .error
    return logger
}()

/// A router over a fresh in-memory store with the real migrations; requests go straight to `handle`.
struct APIHarness {
    let router: Router

    init(path: String = ":memory:", options: RouterOptions = RouterOptions(), watchHistory: Int = 10_000) throws {
        try self.init(
            repository: PolicyRepository(path: path, migrations: try Migration.load(from: repositoryRoot + "/migrations")),
            options: options, watchHistory: watchHistory)
    }

    init(repository: PolicyRepository, options: RouterOptions = RouterOptions(), watchHistory: Int = 10_000) throws {
        router = Router(
            service: try PolicyService(repository: repository, watchHistory: watchHistory), version: "test", options: options,
            logger: quietLogger)
    }

    /// A request target (`/path?a=b&c=d`) as the server receives it: the path, and the query decoded.
    static func split(_ target: String) -> (path: String, query: [String: String]) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            query[String(parts[0])] = parts.count > 1 ? String(parts[1]).removingPercentEncoding : ""
        }
        return (String(target[..<mark]), query)
    }

    @discardableResult
    func send(_ method: String, _ target: String, _ body: String = "", contentType: String? = nil, accept: String? = nil)
        -> (status: Int, json: JSONValue, text: String)
    {
        let (path, query) = Self.split(target)
        var headers: [String: String] = [:]
        if let contentType { headers["Content-Type"] = contentType }
        if let accept { headers["Accept"] = accept }
        let response = router.handle(
            HTTPRequest(method: method, path: path, query: query, headers: headers, body: Array(body.utf8)))
        // A streamed body is read to its end, as a client would.
        var body = response.body
        if let stream = response.stream {
            while let piece = try? stream.next() { body += piece }
        }
        let json = (try? JSONParser.parse(body)) ?? .null
        return (response.status, json, String(decoding: body, as: UTF8.self))
    }

    @discardableResult
    func importYAML(_ yaml: String, mode: String = "apply", extra: String = "") -> (status: Int, json: JSONValue, text: String) {
        send("POST", "/v1/import?mode=\(mode)\(extra)", yaml, contentType: "application/yaml")
    }
}

extension String {
    /// Decodes %XX escapes (enough for test query strings).
    var removingPercentEncoding: String {
        var bytes: [UInt8] = []
        var iterator = Array(utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%"), let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
            } else {
                bytes.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A file's text, or "" when it cannot be read (callers that need the file `#require` it).
func readFile(_ path: String) -> String {
    (try? TextFiles.read(path)) ?? ""
}

let namespaceX = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x","labels":{"team":"a"}}}"#

func podJSON(_ name: String, namespace: String = "x", ip: String, labels: String = #"{"app":"web"}"#) -> String {
    #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"\#(namespace)","labels":\#(labels)},"spec":{"containers":[{"name":"c","image":"nginx","ports":[{"name":"http","containerPort":8080}]}]},"status":{"podIP":"\#(ip)"}}"#
}

let denyAllIngress =
    #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"x"},"spec":{"podSelector":{}}}"#

/// x/a (web) may reach x/b (db) on 6379 only; x/c (no labels) reaches nothing in x.
func webDatabaseCluster(options: RouterOptions = RouterOptions()) throws -> APIHarness {
    let api = try APIHarness(options: options)
    api.send("POST", "/api/v1/namespaces", namespaceX)
    api.send("POST", "/api/v1/namespaces/x/pods", podJSON("a", ip: "10.0.0.1", labels: #"{"app":"web"}"#))
    api.send("POST", "/api/v1/namespaces/x/pods", podJSON("b", ip: "10.0.0.2", labels: #"{"app":"db"}"#))
    api.send("POST", "/api/v1/namespaces/x/pods", podJSON("c", ip: "10.0.0.3", labels: "{}"))
    api.send(
        "POST", "/apis/networking.k8s.io/v1/namespaces/x/networkpolicies",
        #"{"metadata":{"name":"db-access"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":6379}]}]}}"#
    )
    return api
}
