import ArgumentParser
import Glibc
import PolicyStore

/// `--store` (or `NETPOLD_STORE`): the PostgreSQL database replicas share.
enum StoreOption {
    /// The URL given, or nil for the SQLite file of `--db`.
    /// - Throws: when it is not a PostgreSQL URL (a SQLite file is `--db`'s).
    static func resolve(_ option: String?) throws -> String? {
        let environment = getenv("NETPOLD_STORE").map { String(cString: $0) }
        guard let store = option ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        guard StoreEngine(store: store) == .postgres else {
            throw ValidationError(
                "--store (or NETPOLD_STORE) must be a postgres:// or postgresql:// URL (got \"\(redacted(store))\"); a SQLite file is --db"
            )
        }
        return store
    }

    /// The URL without its password, for logs and the start-up line.
    static func redacted(_ url: String) -> String {
        let parts = url.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return url }
        // "scheme://user:password": the password follows the second colon.
        let credentials = parts[0].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard credentials.count == 3 else { return url }
        return credentials[0] + ":" + credentials[1] + ":***@" + parts[1]
    }
}
