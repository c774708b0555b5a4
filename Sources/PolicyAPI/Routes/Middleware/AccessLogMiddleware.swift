import Logging
import MicroHTTP

/// One `info` line per answered request: method, path, status, duration and request id, and
/// `body=streamed` for a body written as it is produced.
struct AccessLogMiddleware {
    let logger: Logger

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) -> HTTPResponse
    ) -> HTTPResponse {
        let response = next(request, context)
        // Checked first, so a server logging at `warning` builds no metadata per request.
        if logger.logLevel <= .info {
            var metadata: Logger.Metadata = [
                "method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)",
                "duration_ms": "\((context.elapsedSeconds * 1e6).rounded() / 1e3)", "request_id": "\(context.requestID)",
            ]
            // A streamed body is produced while it is sent, after this line: its duration leaves the
            // production out and its size is not known yet, which the reader of the log must be told.
            if response.stream != nil { metadata["body"] = "streamed" }
            logger.info("\(request.method) \(request.path) \(response.status)", metadata: metadata)
        }
        return response
    }
}
