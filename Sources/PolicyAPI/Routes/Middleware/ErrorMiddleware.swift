import Logging
import MicroHTTP

/// Where every error becomes a response, and the only place: an error that knows its `Status`
/// (``StatusReporting``) is answered with it; any other is a bug, answered `500` without details.
/// Both are logged when the fault is the server's (5xx).
struct ErrorMiddleware {
    let logger: Logger

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) throws -> HTTPResponse
    ) -> HTTPResponse {
        do {
            return try next(request, context)
        } catch let error as any StatusReporting {
            let status = error.status
            if status.code >= 500 {
                logger.error(
                    "\(status.reason) on \(request.method) \(request.path): \(error)",
                    metadata: ["request_id": "\(context.requestID)"])
            }
            return status.response
        } catch {
            logger.error(
                "internal error on \(request.method) \(request.path): \(error)", metadata: ["request_id": "\(context.requestID)"])
            return APIError.internalError("see the server log").response
        }
    }
}
