import Logging
import PolicyAPI
import PolicyCore
import PolicyStore

extension SyntheticCluster {
    /// A router over an in-memory store holding this cluster, logging only problems: what the
    /// socket-free timings call.
    func loadedRouter() throws -> Router {
        let repository = try PolicyRepository(path: ":memory:", migrations: try Migration.load(from: "migrations"))
        let service = try PolicyService(repository: repository)
        let objects = try documents().map { try ObjectDecoder.decode($0) }
        _ = try service.importBundle(objects, mode: .replace, dryRun: false)
        var quiet = Logger(label: "bench")
        quiet.logLevel = .warning
        return Router(service: service, version: "bench", logger: quiet)
    }
}
