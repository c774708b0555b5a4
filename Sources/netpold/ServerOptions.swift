import ArgumentParser
import Glibc
import MicroHTTP
import PolicyCore

/// `--server` and how to reach it, shared by the client commands.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The netpold server to talk to: http:// or https://.", valueName: "url"))
    var server: String = "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp("A file holding the bearer token to send (or set NETPOLD_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("A PEM file of the certificates to trust for an https:// server (e.g. its own self-signed one).", valueName: "file"))
    var caFile: String?

    @Flag(help: "Do not check the https:// server's certificate (the traffic is encrypted, but anyone could be answering).")
    var insecureSkipTlsVerify = false

    func validate() throws {
        guard server.hasPrefix("http://") || server.hasPrefix("https://") else {
            throw ValidationError("--server \(server): give a URL that starts with http:// or https://")
        }
        if caFile != nil, insecureSkipTlsVerify {
            throw ValidationError("--ca-file and --insecure-skip-tls-verify contradict each other: give one")
        }
    }

    var base: String { server.hasSuffix("/") ? String(server.dropLast()) : server }

    /// The Authorization header, when a token is configured.
    func authorization() throws -> [(String, String)] {
        var token: String?
        if let tokenFile {
            guard let text = FileLocator.read(tokenFile, fallback: "") else { throw ValidationError("cannot read \(tokenFile)") }
            token = text
        } else if let raw = getenv("NETPOLD_TOKEN") {
            token = String(cString: raw)
        }
        guard let value = token?.trimmingCharacters(in: .whitespacesAndNewlinesLike), !value.isEmpty else { return [] }
        return [("Authorization", "Bearer \(value)")]
    }

    /// Sends one request to `path` on the server, with the token and TLS settings; a failure to get
    /// any answer becomes an error that says which flag would help.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> HTTPResponse {
        let tls = HTTPClient.TLSOptions(caFile: caFile, insecureSkipVerify: insecureSkipTlsVerify)
        do {
            return try HTTPClient.send(method: method, url: base + path, headers: headers + authorization(), body: body, tls: tls)
        } catch let failure as HTTPClient.Failure {
            throw CleanError(failure.description + advice(for: failure.kind))
        }
    }

    private func advice(for kind: HTTPClient.Failure.Kind) -> String {
        switch kind {
        case .untrustedCertificate:
            "\n  trust it with --ca-file FILE (for a self-signed server, the file its --tls-cert names) and use a host"
                + "\n  name in --server that the certificate names, or skip the check with --insecure-skip-tls-verify"
        case .tlsHandshake where server.hasPrefix("https://"):
            "\n  is the server serving plain HTTP? Then use --server \("http://" + server.dropFirst("https://".count))"
        case .badResponse where server.hasPrefix("http://"):
            "\n  is the server serving HTTPS (started with --tls-cert)? Then use --server \("https://" + server.dropFirst("http://".count))"
        default: ""
        }
    }
}

/// Turns a server answer into output or a failure that carries the server's message.
enum ClientOutput {
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }

    /// The parsed answer of a 2xx response; otherwise prints the server's refusal like kubectl does
    /// (plus `advice`, if it has any for this refusal) and throws ``AlreadyReported``.
    static func check(_ response: HTTPResponse, expectJSON: Bool = true, advice: (JSONValue?) -> String? = { _ in nil }) throws
        -> JSONValue
    {
        let parsed = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let message = parsed?["message"]?.stringValue ?? response.bodyText
            var text = "Error from server (\(parsed?["reason"]?.stringValue ?? String(response.status))): \(message)"
            for cause in parsed?["details"]?["causes"]?.arrayValue ?? [] {
                text += "\n  \(cause["field"]?.stringValue ?? ""): \(cause["message"]?.stringValue ?? "")"
            }
            if let extra = advice(parsed) { text += "\n" + extra }
            // Printed here rather than thrown so the output reads like kubectl's, without a second "Error:" prefix.
            FileHandleOutput.standardError(text)
            throw AlreadyReported()
        }
        if expectJSON, parsed == nil { throw ServerError(description: "the server's answer is not JSON") }
        return parsed ?? .null
    }
}
