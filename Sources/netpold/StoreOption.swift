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

    /// The URL without its password (in the user part, or a `password=` parameter), for logs and
    /// the start-up line.
    static func redacted(_ url: String) -> String {
        var text = url
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            // "scheme://user:password": the password follows the second colon.
            let credentials = parts[0].split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            if credentials.count == 3 { text = credentials[0] + ":" + credentials[1] + ":***@" + parts[1] }
        }
        guard let mark = text.firstIndex(of: "?") else { return text }
        let parameters = text[text.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false).map {
            $0.lowercased().hasPrefix("password=") ? "password=***" : String($0)
        }
        return text[..<mark] + "?" + parameters.joined(separator: "&")
    }
}
