internal import CMicroHTTPD
import Glibc
import Synchronization

/// Handles one request synchronously on one of libmicrohttpd's worker threads.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPResponse

/// Why the server could not start.
public struct HTTPServerError: Error, CustomStringConvertible {
    public let description: String
}

/// An HTTP/1.1 server on libmicrohttpd, answering every request through one ``HTTPHandler``.
///
/// The server runs on its own threads from `init` until ``stop()`` (or deinit).
public final class HTTPServer: Sendable {
    /// The port actually bound (the kernel's choice when the configuration said 0).
    public let port: UInt16
    /// The address listened on.
    public let host: String

    private let handle: DaemonHandle
    /// Retained for the daemon's lifetime; the C side holds it as `cls`.
    private let context: Unmanaged<ServerContext>
    /// libmicrohttpd keeps pointers to the PEM texts and the log target rather than copies: they
    /// live until deinit.
    private let daemonMemory: DaemonMemory
    /// True when serving HTTPS.
    public let isTLS: Bool

    /// Starts listening.
    /// - Throws: ``HTTPServerError`` when the address is not a literal IP or the port cannot be bound.
    public init(
        configuration: HTTPServerConfiguration, lane: @escaping HTTPLaneSelector = { _ in .inline },
        handler: @escaping HTTPHandler
    ) throws {
        let context = Unmanaged.passRetained(ServerContext(configuration: configuration, handler: handler, lane: lane))
        var storage = sockaddr_storage()
        let isIPv6 = configuration.host.contains(":")
        let parsed: Bool = withUnsafeMutablePointer(to: &storage) { raw in
            if isIPv6 {
                return raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_port = configuration.port.bigEndian
                    return inet_pton(AF_INET6, configuration.host, &address.pointee.sin6_addr) == 1
                }
            }
            return raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = configuration.port.bigEndian
                return inet_pton(AF_INET, configuration.host, &address.pointee.sin_addr) == 1
            }
        }
        guard parsed else {
            context.release()
            throw HTTPServerError(description: "--host \(configuration.host) is not an IPv4 or IPv6 address")
        }
        let useTLS = configuration.tlsKeyPEM != nil && configuration.tlsCertificatePEM != nil
        let memory = DaemonMemory(
            key: useTLS ? configuration.tlsKeyPEM : nil, certificate: useTLS ? configuration.tlsCertificatePEM : nil,
            logContext: configuration.errorLog == nil ? nil : context.toOpaque())
        let daemon = withUnsafePointer(to: &storage) { raw in
            raw.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                netpold_mhd_start(
                    netpold_mhd_flags(isIPv6 ? 1 : 0), address, UInt32(max(1, configuration.threads)),
                    UInt32(configuration.connectionLimit), UInt32(configuration.connectionTimeoutSeconds),
                    configuration.connectionMemoryLimit, accessHandler, context.toOpaque(), requestCompleted, context.toOpaque(),
                    memory.key, memory.certificate, memory.logTarget)
            }
        }
        guard let daemon else {
            context.release()
            throw HTTPServerError(
                description: useTLS
                    ? "cannot start HTTPS on \(configuration.host):\(configuration.port) (address in use, or the key and certificate do not load)"
                    : "cannot listen on \(configuration.host):\(configuration.port) (address in use?)")
        }
        self.daemonMemory = memory
        self.isTLS = useTLS
        self.handle = DaemonHandle(daemon)
        self.context = context
        self.host = configuration.host
        self.port = netpold_mhd_bound_port(daemon)
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8080`.
    public var url: String {
        let scheme = isTLS ? "https" : "http"
        return host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)"
    }

    /// Stops accepting and closes the listening socket; waits up to `graceSeconds` for requests in
    /// flight (answers sent meanwhile close their connection), then closes every connection, idle
    /// keep-alive ones included, and joins the worker threads. Background requests still running
    /// then are answered ``HTTPServerResponses/shuttingDown`` and left to finish on their own
    /// threads (see ``unfinishedBackgroundWork``).
    public func stop(graceSeconds: Double = 0) {
        let daemon = handle.daemon.withLock { daemon in
            defer { daemon.value = nil }
            return daemon.value
        }
        guard let daemon else { return }
        let context = context.takeUnretainedValue()
        context.draining.store(true, ordering: .relaxed)
        // Quiescing hands us the listen socket; closing it makes pending connects fail fast
        // instead of hanging in the backlog while the workers finish.
        let listenSocket = MHD_quiesce_daemon(daemon)
        if listenSocket >= 0 { close(listenSocket) }
        // Event streams (watches) wait for events without end: they end now, after what they sent.
        context.eventStreams.endAll()
        let deadline = ContinuousClock.now + .milliseconds(Int(graceSeconds * 1000))
        while context.requestsInFlight.load(ordering: .relaxed) > 0, ContinuousClock.now < deadline {
            usleep(5_000)
        }
        // libmicrohttpd must not stop with a connection suspended: answer the ones still waiting.
        if context.background.abandonAll(with: context.responses.shuttingDown) > 0 {
            let sendDeadline = ContinuousClock.now + .seconds(1)
            while context.requestsInFlight.load(ordering: .relaxed) > 0, ContinuousClock.now < sendDeadline {
                usleep(5_000)
            }
        }
        MHD_stop_daemon(daemon)
        context.eventStreams.stop()
    }

    /// Event streams (``HTTPEventStream``) being sent now.
    public var eventStreamCount: Int { context.takeUnretainedValue().eventStreams.count }

    /// Background handlers still executing after ``stop(graceSeconds:)`` gave up waiting for them.
    public var unfinishedBackgroundWork: Int { context.takeUnretainedValue().background.handlersExecuting }

    deinit {
        stop()
        context.release()
    }
}
