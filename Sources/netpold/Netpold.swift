import ArgumentParser
import Glibc

@main
struct Netpold: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "netpold",
        abstract: "A network-policy decision service: may this pod reach that one, and which policy said so?",
        discussion: """
            Start a server with `netpold serve`, load policies with `netpold apply -f DIR`, then ask
            `netpold decide --from ns/pod --to 10.0.0.5 --port 443`.
            """,
        version: version,
        subcommands: [Serve.self, Migrate.self, Apply.self, Export.self, Decide.self])
}

/// `--server`, shared by the client commands.
struct ServerOptions: ParsableArguments {
    @Option(name: .long, help: "The netpold server to talk to.")
    var server: String = "http://127.0.0.1:8080"

    @Option(name: .long, help: "A file holding the bearer token to send (or set NETPOLD_TOKEN).")
    var tokenFile: String?

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
}

extension String {
    /// Trims the characters in `set` from both ends.
    func trimmingCharacters(in set: Set<Character>) -> String {
        var result = Substring(self)
        while let first = result.first, set.contains(first) { result = result.dropFirst() }
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}

extension Set where Element == Character {
    static let whitespacesAndNewlinesLike: Set<Character> = [" ", "\t", "\n", "\r"]
}
