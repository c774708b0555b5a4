import Logging
import MicroHTTP

/// One `info` line per answered request: method, path, status, duration and request id.
struct AccessLogMiddleware {
    let logger: Logger

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) -> HTTPResponse
    ) -> HTTPResponse {
        let response = next(request, context)
        // Checked first, so a server logging at `warning` builds no metadata per request.
        if logger.logLevel <= .info {
            logger.info(
                "\(request.method) \(request.path) \(response.status)",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.path)", "status": "\(response.status)",
                    "duration_ms": "\((context.elapsedSeconds * 1e6).rounded() / 1e3)", "request_id": "\(context.requestID)",
                ])
        }
        return response
    }
}
