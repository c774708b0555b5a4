public import YAMLReader

/// A YAML request body that does not read (syntax, or a limit such as an alias bomb): `400`, with
/// where in the stream it went wrong.
extension YAMLReadError: StatusReporting {
    public var status: APIStatus {
        APIError.badRequest("YAML document \(documentIndex), line \(line), column \(column): \(message)").status
    }
}
