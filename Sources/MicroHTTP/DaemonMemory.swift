internal import CMicroHTTPD
import Glibc

/// The memory libmicrohttpd points to rather than copies, for the daemon's whole life: the PEM
/// texts and the log target.
///
/// `@unchecked Sendable`: the buffers are written once in `init`, only read by libmicrohttpd,
/// and freed once in `deinit`.
final class DaemonMemory: @unchecked Sendable {
    let key: UnsafeMutablePointer<CChar>?
    let certificate: UnsafeMutablePointer<CChar>?
    let logTarget: UnsafeMutablePointer<netpold_log_target>?
    init(key: String?, certificate: String?, logContext: UnsafeMutableRawPointer?) {
        self.key = key.flatMap { strdup($0) }
        self.certificate = certificate.flatMap { strdup($0) }
        if let logContext {
            logTarget = .allocate(capacity: 1)
            logTarget?.initialize(to: netpold_log_target(sink: forwardLog, context: logContext))
        } else {
            logTarget = nil
        }
    }
    deinit {
        free(key)
        free(certificate)
        logTarget?.deallocate()
    }
}

/// Hands one formatted libmicrohttpd message to the configured ``HTTPServerConfiguration/errorLog``.
private let forwardLog: netpold_log_sink = { context, message in
    guard let context, let message else { return }
    let server = Unmanaged<ServerContext>.fromOpaque(context).takeUnretainedValue()
    var text = String(cString: message)
    while text.last == "\n" { text.removeLast() }
    server.errorLog?(text)
}
