import Synchronization

/// A response body written as it is produced, for answers too large to hold in memory (an export
/// of hundreds of megabytes).
///
/// The server pulls the chunks on the libmicrohttpd worker thread of the connection, as fast as the
/// client reads them. That thread's other connections wait during each pull, so producing one
/// chunk should take about as long as an inline answer, whatever lane built the response.
///
/// A stream is read once. The server releases it, and with it the producer and whatever the
/// producer holds, when the response ends, completely sent or not: a client that hangs up stops
/// the production. A `HEAD` request never calls the producer.
public final class HTTPBodyStream: Sendable {
    private struct State {
        /// Nil once the body has ended, so the producer's resources go before the connection does.
        var produce: (() throws -> [UInt8]?)?
        var chunk: [UInt8] = []
        /// How much of `chunk` has been handed out.
        var offset = 0

        /// Makes `chunk` the producer's next non-empty chunk; false at the end of the body.
        mutating func advance() throws -> Bool {
            while let produce {
                let next: [UInt8]?
                do {
                    next = try produce()
                } catch {
                    end()
                    throw error
                }
                guard let next else { break }
                // Skipped rather than handed on: libmicrohttpd takes an empty read for "try again"
                // and would spin.
                if !next.isEmpty {
                    chunk = next
                    offset = 0
                    return true
                }
            }
            end()
            return false
        }

        mutating func end() {
            produce = nil
            chunk = []
            offset = 0
        }
    }

    // A Mutex rather than `@unchecked Sendable`: the producer need not be Sendable, as it arrives
    // `sending` and is only ever called under the lock.
    private let state: Mutex<State>

    /// - Parameter produce: The next chunk of the body, nil at its end; empty chunks are skipped.
    ///   Throwing ends the response as failed: the connection is closed without the final chunk,
    ///   so the client sees a broken transfer, not a short body it could take for complete. The
    ///   server does not log the error.
    public init(_ produce: sending @escaping () throws -> [UInt8]?) {
        state = Mutex(State(produce: produce))
    }

    /// The next part of the body (the rest of a chunk already partly sent, else the producer's
    /// next non-empty chunk), or nil at its end. For reading a streamed body in process, e.g. in
    /// tests; the server reads it through the same state.
    public func next() throws -> [UInt8]? {
        try state.withLock { state in
            if state.offset == state.chunk.count {
                guard try state.advance() else { return nil }
            }
            let rest = state.offset == 0 ? state.chunk : Array(state.chunk[state.offset...])
            state.chunk = []
            state.offset = 0
            return rest
        }
    }

    /// Copies as much of the body as fits into `buffer`, across chunks so that small chunks still
    /// make full writes; nil once the body has ended and nothing was copied.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int? {
        // libmicrohttpd always offers room; if it did not, "nothing yet" is the answer that loses no data.
        guard let base = buffer.baseAddress else { return 0 }
        return try state.withLock { state in
            var filled = 0
            while filled < buffer.count {
                if state.offset == state.chunk.count {
                    guard try state.advance() else { break }
                }
                let offset = state.offset
                let count = min(buffer.count - filled, state.chunk.count - offset)
                state.chunk.withUnsafeBytes { chunk in
                    (base + filled).copyMemory(from: chunk.baseAddress! + offset, byteCount: count)
                }
                filled += count
                state.offset += count
            }
            return filled == 0 && state.produce == nil ? nil : filled
        }
    }
}
