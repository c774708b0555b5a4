import ArgumentParser
import Glibc
import PolicyCore

extension Netpold {
    /// A kubeconfig whose `netpold` context points kubectl and the Kubernetes client libraries at
    /// a netpold server: `kubectl --kubeconfig <(netpold kubeconfig) get netpol -A`.
    struct Kubeconfig: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a kubeconfig with a netpold context, for kubectl and the Kubernetes client libraries.",
            discussion: """
                The token is referenced by path (tokenFile), never copied into the output; the CA file \
                likewise (certificate-authority). Save it (netpold kubeconfig > netpold.kubeconfig) or use it \
                in place: kubectl --kubeconfig <(netpold kubeconfig --server URL) get pods -A
                """)

        @OptionGroup var options: ServerOptions

        @Option(help: ArgumentHelp("The context's default namespace.", valueName: "namespace"))
        var namespace: String?

        func validate() throws {
            if let namespace, let problem = NameRules.dns1123LabelProblem(namespace) {
                throw ValidationError("--namespace \(namespace): \(problem)")
            }
        }

        func run() throws {
            print(Self.document(options: options, namespace: namespace, workingDirectory: currentDirectory()), terminator: "")
        }

        /// The kubeconfig text (YAML), with file paths made absolute so it works from anywhere.
        static func document(options: ServerOptions, namespace: String?, workingDirectory: String) -> String {
            func absolute(_ path: String) -> String {
                path.hasPrefix("/") ? path : workingDirectory + (workingDirectory.hasSuffix("/") ? "" : "/") + path
            }
            // A YAML double-quoted scalar: backslashes and quotes escaped.
            func quoted(_ text: String) -> String {
                var out = "\""
                for character in text {
                    if character == "\\" || character == "\"" { out.append("\\") }
                    out.append(character)
                }
                return out + "\""
            }
            var cluster = ["    server: \(quoted(options.base))"]
            if let caFile = options.caFile { cluster.append("    certificate-authority: \(quoted(absolute(caFile)))") }
            if options.insecureSkipTlsVerify { cluster.append("    insecure-skip-tls-verify: true") }
            var context = ["    cluster: netpold", "    user: netpold"]
            if let namespace { context.append("    namespace: \(namespace)") }
            let user = options.tokenFile.map { ["    tokenFile: \(quoted(absolute($0)))"] } ?? []
            return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: netpold
                  cluster:
                \(cluster.joined(separator: "\n"))
                contexts:
                - name: netpold
                  context:
                \(context.joined(separator: "\n"))
                current-context: netpold
                users:
                - name: netpold
                  user:\(user.isEmpty ? " {}" : "\n" + user.joined(separator: "\n"))
                preferences: {}

                """
        }
    }
}

/// The process's working directory ("." when it cannot be read).
private func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
