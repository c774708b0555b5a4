import MicroHTTP

/// Counts every answered request in ``Metrics``, by route template, method and status code, with
/// its duration. For a streamed body (`HTTPResponse.stream`) that is the time to start the answer:
/// the body is produced later, while it is sent, on the server's worker thread.
struct MetricsMiddleware {
    let metrics: Metrics

    func handle(
        _ request: HTTPRequest, _ context: RequestContext, next: (HTTPRequest, RequestContext) -> HTTPResponse
    ) -> HTTPResponse {
        let response = next(request, context)
        metrics.recordRequest(
            route: Router.routeLabel(context), method: request.method, code: response.status,
            seconds: context.elapsedSeconds)
        return response
    }
}
