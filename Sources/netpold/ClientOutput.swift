import MicroHTTP
import PolicyCore

/// Turns a server answer into output or a failure that carries the server's message.
enum ClientOutput {
    struct ServerError: Error, CustomStringConvertible {
        let description: String
    }

    /// The parsed answer of a 2xx response; otherwise prints the server's refusal like kubectl does
    /// (plus `advice`, if it has any for this refusal) and throws ``AlreadyReported``.
    static func check(_ response: HTTPResponse, expectJSON: Bool = true, advice: (JSONValue?) -> String? = { _ in nil }) throws
        -> JSONValue
    {
        let parsed = try? JSONParser.parse(response.body)
        guard (200..<300).contains(response.status) else {
            let message = parsed?["message"]?.stringValue ?? response.bodyText
            var text = "Error from server (\(parsed?["reason"]?.stringValue ?? String(response.status))): \(message)"
            for cause in parsed?["details"]?["causes"]?.arrayValue ?? [] {
                text += "\n  \(cause["field"]?.stringValue ?? ""): \(cause["message"]?.stringValue ?? "")"
            }
            if let extra = advice(parsed) { text += "\n" + extra }
            // Printed here rather than thrown so the output reads like kubectl's, without a second "Error:" prefix.
            StandardError.writeLine(text)
            throw AlreadyReported()
        }
        if expectJSON, parsed == nil { throw ServerError(description: "the server's answer is not JSON") }
        return parsed ?? .null
    }

    /// Prints the body as the server sent it, ending with a newline so the shell prompt starts on its own line.
    static func printBody(_ response: HTTPResponse) {
        let text = response.bodyText
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}
