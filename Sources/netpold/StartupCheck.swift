import Glibc

/// What `serve` checks and undoes around start-up, so a start that fails leaves nothing behind.
enum StartupCheck {
    /// Fails with one clear line when nothing can listen on `host:port`.
    ///
    /// The server can only bind once the database is open (the handler needs it), and libmicrohttpd
    /// reports a busy port on its own line with the wrong port number; a trial bind first keeps both
    /// the stray database file and that line away.
    static func ensureListenable(host: String, port: UInt16) throws {
        guard port != 0 else { return }
        var storage = sockaddr_storage()
        let family = host.contains(":") ? AF_INET6 : AF_INET
        let parsed = withUnsafeMutableBytes(of: &storage) { raw -> Bool in
            if family == AF_INET6 {
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                return inet_pton(AF_INET6, host, &address.pointee.sin6_addr) == 1
            }
            let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
            address.pointee.sin_family = sa_family_t(AF_INET)
            address.pointee.sin_port = port.bigEndian
            return inet_pton(AF_INET, host, &address.pointee.sin_addr) == 1
        }
        guard parsed else { throw CleanError("--host \(host) is not an IPv4 or IPv6 address (e.g. 127.0.0.1, 0.0.0.0, ::1)") }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return }  // Let the server report what it finds.
        defer { close(fd) }
        // As libmicrohttpd does, so connections of an earlier run in TIME_WAIT do not count as busy.
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let length = socklen_t(family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeBytes(of: &storage) { raw in
            bind(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
        guard bound != 0 else { return }
        let shown = family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
        switch errno {
        case EADDRINUSE:
            throw CleanError("cannot listen on \(shown): the port is in use (is another netpold running?); choose another --port")
        case EACCES:
            throw CleanError(
                "cannot listen on \(shown): permission denied (ports below 1024 need privileges); choose another --port")
        case EADDRNOTAVAIL:
            throw CleanError("cannot listen on \(shown): no interface of this machine has the address \(host); check --host")
        default:
            throw CleanError("cannot listen on \(shown): \(String(cString: strerror(errno)))")
        }
    }

    /// Remembers which files a start is about to create, to remove them if the start fails.
    struct NewFiles {
        private var paths: [String] = []

        /// A SQLite database (nil: the store is PostgreSQL) that does not exist yet, with the journal files SQLite puts beside it; a decision
        /// log that does not exist yet. An existing database is left to SQLite even if it grew a WAL.
        init(database: String?, decisionLog: String?) {
            if let database, !Self.exists(database) {
                paths = [database, database + "-wal", database + "-shm", database + "-journal"]
            }
            if let decisionLog, !Self.exists(decisionLog) { paths.append(decisionLog) }
        }

        func remove() {
            for path in paths { unlink(path) }
        }

        private static func exists(_ path: String) -> Bool {
            var info = stat()
            return lstat(path, &info) == 0
        }
    }
}
