/// Per-request state kept in libmicrohttpd's `con_cls` slot between handler calls.
///
/// Only one worker thread touches a given connection at a time; the one field a background
/// thread writes, `answer`, is behind its own lock.
final class RequestState {
    var body: [UInt8] = []
    var tooLarge = false
    /// Set when the request went to a background thread; its response arrives here.
    var answer: BackgroundAnswer?
}
