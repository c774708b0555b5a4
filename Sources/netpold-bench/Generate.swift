import ArgumentParser
import Glibc
import PolicyAPI
import PolicyCore

extension Bench {
    /// The synthetic cluster as an import bundle, for `/v1/import` and `netpold apply`.
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the synthetic cluster as an import bundle.")

        enum Format: String, ExpressibleByArgument, CaseIterable {
            case yaml, json
        }

        @OptionGroup var size: ClusterSize

        @Option(help: "yaml: a multi-document stream; json: a List.")
        var format: Format = .json

        func run() throws {
            let documents = size.cluster.documents()
            let text: String
            switch format {
            case .yaml: text = try YAMLCodec.serialize(documents)
            case .json: text = JSONWriter.string(.object(["apiVersion": "v1", "kind": "List", "items": .array(documents)]))
            }
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, fdopen(STDOUT_FILENO, "w")) }
        }
    }
}
