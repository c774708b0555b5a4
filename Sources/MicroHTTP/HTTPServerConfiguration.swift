import Glibc

/// Limits and threading of an ``HTTPServer``.
public struct HTTPServerConfiguration: Sendable {
    /// The address to listen on, IPv4 or IPv6 literal (`127.0.0.1`, `::1`, `0.0.0.0`).
    public var host: String = "127.0.0.1"
    /// The port; 0 lets the kernel choose.
    public var port: UInt16 = 8080
    /// Worker threads, each with its own epoll loop. Twice the cores (at least 4): a write blocks its
    /// thread in fsync for about a millisecond, and with only one thread per core decisions on the
    /// same thread's connections would wait for it (measured: 13 % fewer decisions under 500
    /// writes/s with 2 threads, none with 4).
    public var threads: Int = max(4, 2 * Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// The largest request body accepted; larger ones get ``HTTPServerResponses/payloadTooLarge``
    /// before they are buffered.
    public var maxBodyBytes: Int = 64 << 20
    /// Concurrent connections before new ones are refused.
    public var connectionLimit: Int = 1024
    /// Seconds an idle connection is kept.
    public var connectionTimeoutSeconds: Int = 30
    /// Per-connection header memory. 16 KiB because libmicrohttpd clears the whole pool per request.
    public var connectionMemoryLimit: Int = 16 << 10
    /// Background requests (see ``HTTPLane``) running at once before new ones get
    /// ``HTTPServerResponses/overloaded``.
    public var maxBackgroundRequests: Int = 256
    /// Receives libmicrohttpd's own error messages (a client that hung up mid-request, a TLS
    /// handshake that failed); nil keeps it silent.
    public var errorLog: (@Sendable (String) -> Void)?
    /// PEM private key and certificate: when both are set the server speaks HTTPS only.
    public var tlsKeyPEM: String?
    public var tlsCertificatePEM: String?
    /// What the server answers by itself, without calling the handler: plain text unless the
    /// application gives its own.
    public var responses = HTTPServerResponses.plainText

    public init() {}
}
