import ArgumentParser
import Glibc

@main
struct Netpold: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "netpold",
        abstract: "A network-policy decision service: may this pod reach that one, and which policy said so?",
        discussion: """
            Start a server with `netpold serve`, load policies with `netpold apply -f DIR`, then ask \
            `netpold decide --from ns/pod --to 10.0.0.5 --port 443`.

            Exit status: 0 on success, 1 on failure, 2 on a usage error; `decide` exits 0 when the \
            connection is allowed, 1 when it is denied and 2 on any error; `reach` and \
            `connectivity` exit 2 on any error, as `decide` does; `lint` exits 1 when it finds \
            something at or above --severity, 2 on any error.
            """,
        version: version,
        subcommands: [
            Serve.self, Migrate.self, Apply.self, Export.self, Decide.self, Reach.self, Connectivity.self, Diff.self,
            Lint.self, Kubeconfig.self,
        ])

    /// Exit statuses: scripts branch on `decide`'s (as on `kubectl auth can-i`), so an error must
    /// never look like a denial; ArgumentParser's own 64 for usage errors becomes the usual 2.
    enum Status {
        static let usage: Int32 = 2
        static let failure: Int32 = 1
    }

    static func main() {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            finish(error, status: Status.usage, withUsage: true)
        }
        do {
            var command = command
            try command.run()
        } catch {
            finish(error, status: answersQuestions(command) ? Decide.errorStatus : Status.failure, withUsage: false)
        }
        Glibc.exit(0)
    }

    /// The commands a script asks questions with: one error status for all of them, `decide`'s, so
    /// scripts can tell an error from any answer the same way whichever of them they call.
    static func answersQuestions(_ command: any ParsableCommand) -> Bool {
        command is Decide || command is Reach || command is Connectivity || command is Diff || command is Lint
    }

    /// Prints what `error` says and exits: help and version with 0, a deliberate `ExitCode` with its
    /// own status, usage errors with 2, anything else with `status`.
    static func finish(_ error: any Error, status: Int32, withUsage: Bool) -> Never {
        if let code = error as? ExitCode { Glibc.exit(code.rawValue) }
        if error is AlreadyReported { Glibc.exit(status) }
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        fflush(nil)
        // After parsing, the usage ArgumentParser would add is the root command's, not the one that ran.
        StandardError.writeLine(withUsage ? fullMessage(for: error) : "Error: " + message(for: error))
        Glibc.exit(code == .validationFailure ? Status.usage : status)
    }
}
