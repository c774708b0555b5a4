import ArgumentParser
import MicroHTTP

/// `--server` and how to reach it, shared by the client commands.
struct ServerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The netpold server to talk to: http:// or https://.", valueName: "url"))
    var server: String = "http://127.0.0.1:8080"

    @Option(help: ArgumentHelp("A file holding the bearer token to send (or set NETPOLD_TOKEN).", valueName: "file"))
    var tokenFile: String?

    @Option(
        help: ArgumentHelp(
            "A PEM file of the certificates to trust for an https:// server (e.g. its own self-signed one).", valueName: "file"))
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
        guard let token = try Secret.read(file: tokenFile, environment: "NETPOLD_TOKEN"), !token.isEmpty else { return [] }
        return [("Authorization", "Bearer \(token)")]
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
