import ArgumentParser
import Glibc
import PolicyCore
import PolicyStore

/// Bearer tokens, read from a file or an environment variable without the whitespace around them
/// (a token file usually ends in a line break), for the server (`--admin-token-file`) and the
/// client (`--token-file`) alike; never logged.
enum Secret {
    /// The token in `file`, else in the environment variable `name` (if set and not empty), trimmed;
    /// nil when neither gives one.
    static func read(file: String?, environment name: String) throws -> String? {
        if let file {
            guard let text = try? TextFiles.read(file) else { throw ValidationError("cannot read token file \(file)") }
            return String(text.trimmingWhitespace())
        }
        guard let raw = getenv(name), raw.pointee != 0 else { return nil }
        return String(String(cString: raw).trimmingWhitespace())
    }

    /// A token the server requires: nil when none is configured, an error when it is too short to be safe.
    static func load(file: String?, environment name: String) throws -> String? {
        guard let token = try read(file: file, environment: name) else { return nil }
        guard token.utf8.count >= 16 else {
            throw ValidationError("the token from \(file ?? name) is shorter than 16 characters; use a long random token")
        }
        return token
    }
}
