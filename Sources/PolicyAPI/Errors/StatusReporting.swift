/// An error that knows what the client should be told.
///
/// This is the one way from an error to a response: code that fails throws its own error (a
/// `ValidationError`, a `ServiceError`, an `SQLiteError`, ...), everything in between lets it
/// propagate, and ``ErrorMiddleware`` asks it for its ``status`` once, around every request. The
/// conformances of the errors of other modules live beside this file, so every mapping from an
/// error to a `Status` can be read in one folder. An error that does not conform is a bug: it is
/// logged and answered `500 InternalError`.
public protocol StatusReporting: Error {
    /// The `Status` a client receives for this error.
    var status: APIStatus { get }
}
