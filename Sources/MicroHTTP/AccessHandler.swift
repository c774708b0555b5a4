internal import CMicroHTTPD
import Glibc
import Synchronization

/// The access handler. libmicrohttpd calls it once with empty state, once per body chunk,
/// and once more when the body is complete; we answer only on that last call so keep-alive survives.
/// A request for the background lane suspends its connection there; the thread that computes its
/// answer resumes it, and libmicrohttpd calls the handler once more to send it.
let accessHandler: MHD_AccessHandlerCallback = {
    cls, connection, url, method, _, uploadData, uploadDataSize, conCls in
    guard let cls, let conCls, let uploadDataSize else { return .NO }
    /// `cls` is the `Unmanaged<ServerContext>` retained by `HTTPServer` for the daemon's whole life.
    let context = Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue()

    guard let stateRaw = conCls.pointee else {
        context.requestsInFlight.add(1, ordering: .relaxed)
        if let declared = MHD_lookup_connection_value(connection, .HEADER_KIND, "Content-Length"),
            let length = Int(String(cString: declared)), length > context.maxBodyBytes
        {
            let state = RequestState()
            state.tooLarge = true
            conCls.pointee = Unmanaged.passRetained(state).toOpaque()
            // Refuse before reading the body; libmicrohttpd then closes the connection.
            return send(context.responses.payloadTooLarge, on: connection, method: method)
        }
        // Most requests (GETs) never need state: it is allocated when a body or a background answer comes.
        conCls.pointee = freshRequest
        return .YES
    }
    /// Retained when made, released exactly once in `requestCompleted`, which libmicrohttpd always calls.
    func makeState() -> RequestState {
        let state = RequestState()
        conCls.pointee = Unmanaged.passRetained(state).toOpaque()
        return state
    }
    let existing = stateRaw == freshRequest ? nil : Unmanaged<RequestState>.fromOpaque(stateRaw).takeUnretainedValue()

    if uploadDataSize.pointee > 0 {
        let state = existing ?? makeState()
        let count = uploadDataSize.pointee
        if !state.tooLarge, let uploadData {
            if state.body.count + count > context.maxBodyBytes {
                state.tooLarge = true
                state.body = []
            } else {
                uploadData.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
                    state.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
                }
            }
        }
        uploadDataSize.pointee = 0
        return .YES
    }
    if existing?.tooLarge == true { return send(context.responses.payloadTooLarge, on: connection, method: method) }
    if let answer = existing?.answer {
        // Called again after a background thread resumed the connection.
        guard var response = answer.take() else { return .YES }
        if context.draining.load(ordering: .relaxed) { response.headers.append(("Connection", "close")) }
        return send(response, on: connection, method: method, context: context)
    }

    let request = HTTPRequest(
        method: method.map { String(cString: $0) } ?? "GET",
        path: url.map { String(cString: $0) } ?? "/",
        query: collect(connection, .GET_ARGUMENT_KIND),
        lowercasedHeaders: collect(connection, .HEADER_KIND),
        body: existing?.body ?? [])
    existing?.body = []
    if context.lane(request) == .background, let connection {
        guard context.background.count < context.maxBackgroundRequests else {
            return send(context.responses.overloaded, on: connection, method: method)
        }
        let answer = BackgroundAnswer(SuspendedConnection(connection))
        (existing ?? makeState()).answer = answer
        MHD_suspend_connection(connection)
        context.background.start(answer, request: request, handler: context.handler, ifNoThread: context.responses.overloaded)
        return .YES
    }
    var response = context.handler(request)
    if context.draining.load(ordering: .relaxed) { response.headers.append(("Connection", "close")) }
    return send(response, on: connection, method: method, context: context)
}

/// Releases the per-request state, also for requests the client aborted.
let requestCompleted: MHD_RequestCompletedCallback = { cls, _, conCls, _ in
    guard let conCls, let raw = conCls.pointee else { return }
    if raw != freshRequest { Unmanaged<RequestState>.fromOpaque(raw).release() }
    conCls.pointee = nil
    if let cls {
        Unmanaged<ServerContext>.fromOpaque(cls).takeUnretainedValue().requestsInFlight.subtract(1, ordering: .relaxed)
    }
}

/// Marks a request whose first call has been seen but which has no ``RequestState`` (yet): never
/// dereferenced, and no object lives at address 1.
private var freshRequest: UnsafeMutableRawPointer { UnsafeMutableRawPointer(bitPattern: 1)! }

/// Reads one header or query pair into a Swift dictionary passed through `cls`; header names are
/// lower-cased here, once, so lookups need no case folding.
private let collectPair: MHD_KeyValueIterator = { cls, kind, key, value in
    guard let cls, let key else { return .YES }
    let target = cls.assumingMemoryBound(to: [String: String].self)
    var name = String(cString: key)
    if kind == .HEADER_KIND, name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { name = name.lowercased() }
    target.pointee[name] = value.map { String(cString: $0) } ?? ""
    return .YES
}

private func collect(_ connection: OpaquePointer?, _ kind: MHD_ValueKind) -> [String: String] {
    var pairs: [String: String] = [:]
    withUnsafeMutablePointer(to: &pairs) { pointer in
        _ = MHD_get_connection_values(connection, kind, collectPair, pointer)
    }
    return pairs
}

private func send(
    _ response: HTTPResponse, on connection: OpaquePointer?, method: UnsafePointer<CChar>?, context: ServerContext? = nil
) -> MHD_Result {
    let mhdResponse: OpaquePointer?
    if let events = response.events, let connection, let context {
        mhdResponse =
            method.map { strcmp($0, "HEAD") != 0 } ?? true
            ? eventResponse(events, on: connection, context: context)
            : streamedResponse(HTTPBodyStream { nil }, produce: false)
    } else if let stream = response.stream {
        mhdResponse = streamedResponse(stream, produce: method.map { strcmp($0, "HEAD") != 0 } ?? true)
    } else {
        mhdResponse = response.body.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
        }
    }
    guard let mhdResponse else { return .NO }
    for header in response.headers {
        // `withCString` borrows (or copies small strings to the stack); passing the `String` itself
        // would allocate a C copy of each small string.
        _ = header.name.withCString { name in
            header.value.withCString { value in MHD_add_response_header(mhdResponse, name, value) }
        }
    }
    let result = MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    MHD_destroy_response(mhdResponse)
    return result
}

/// libmicrohttpd's buffer for a body sent without chunks (HTTP/1.0), allocated with each streamed
/// response: large enough that a write is not split into many system calls. Chunked bodies are
/// read straight into the connection's own write buffer instead, whatever room it has left.
private let streamBlockSize = 64 << 10

/// A response reading `stream` as libmicrohttpd sends it; the response holds the stream until
/// libmicrohttpd frees it, when the body is sent or the connection is gone.
private func streamedResponse(_ stream: HTTPBodyStream, produce: Bool) -> OpaquePointer? {
    // MHD_SIZE_UNKNOWN, which Swift does not import (it is UINT64_MAX, a function-like macro).
    let unknownSize = UInt64.max
    guard produce else {
        // HEAD: the same framing headers as the GET (`Transfer-Encoding: chunked`) and no body, and
        // the producer is not even handed over.
        return MHD_create_response_from_callback(unknownSize, 1, readStream, nil, nil)
    }
    let retained = Unmanaged.passRetained(stream)
    guard
        let response = MHD_create_response_from_callback(
            unknownSize, streamBlockSize, readStream, retained.toOpaque(), releaseStream)
    else {
        // libmicrohttpd calls the free callback only for a response it made.
        retained.release()
        return nil
    }
    return response
}

/// Never returns 0, which libmicrohttpd takes for "not ready yet" and, with its own polling
/// threads, would call again at once: ``HTTPBodyStream/fill(_:)`` asks the producer until it has
/// a chunk or the end instead.
private let readStream: MHD_ContentReaderCallback = { cls, _, buffer, max in
    guard let cls, let buffer else { return MHD_CONTENT_READER_END_OF_STREAM }
    let stream = Unmanaged<HTTPBodyStream>.fromOpaque(cls).takeUnretainedValue()
    do {
        return try stream.fill(UnsafeMutableRawBufferPointer(start: buffer, count: max)) ?? MHD_CONTENT_READER_END_OF_STREAM
    } catch {
        return MHD_CONTENT_READER_END_WITH_ERROR
    }
}

/// Also called when the client hung up mid-body: releasing the stream here is what stops the producer.
private let releaseStream: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    Unmanaged<HTTPBodyStream>.fromOpaque(cls).release()
}
