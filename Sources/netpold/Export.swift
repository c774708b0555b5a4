import ArgumentParser
import MicroHTTP

extension Netpold {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the whole store as a YAML bundle (or a JSON List).",
            usage: "netpold export [--output <format>] [--server <url>] [<options>]",
            discussion: "Examples:\n  netpold export > backup.yaml\n  netpold export --output json")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case yaml, json
        }

        @Option(help: ArgumentHelp("The format.", valueName: "format"))
        var output: Format = .yaml

        @OptionGroup var options: ServerOptions

        func run() throws {
            let accept = output == .json ? "application/json" : "application/yaml"
            let response = try options.send("GET", "/v1/export", headers: [("Accept", accept)])
            _ = try ClientOutput.check(response, expectJSON: output == .json)
            ClientOutput.printBody(response)
        }
    }
}
