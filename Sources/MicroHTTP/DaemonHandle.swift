import Synchronization

/// The running daemon: its pointer, written once when the server starts; ``HTTPServer/stop(graceSeconds:)``
/// swaps it out under the lock so libmicrohttpd's stop runs once.
final class DaemonHandle: Sendable {
    let daemon: Mutex<DaemonPointer>
    init(_ daemon: OpaquePointer) { self.daemon = Mutex(DaemonPointer(value: daemon)) }
}

/// libmicrohttpd's daemon handle: its functions used here are safe from any thread.
struct DaemonPointer: @unchecked Sendable {
    var value: OpaquePointer?
}
