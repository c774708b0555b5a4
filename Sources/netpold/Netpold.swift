import ArgumentParser

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

    var base: String { server.hasSuffix("/") ? String(server.dropLast()) : server }
}
