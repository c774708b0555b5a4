// The Statuses of the errors PolicyAPI defines for its own failures (an `APIError` carries its Status).

import PolicyCore

extension ServiceError: StatusReporting {
    public var status: APIStatus {
        switch self {
        case .notFound(let key):
            APIError.notFound(key.kind.plural, key.name, kind: key.kind.kind).status
        case .alreadyExists(let key):
            APIError.alreadyExists(key.kind.plural, key.name, kind: key.kind.kind).status
        case .conflict(let key):
            APIError.conflict(key.kind.plural, key.name, kind: key.kind.kind).status
        case .repeatedInBundle(let key, let position, let first):
            APIError.badRequest(
                "document \(position) repeats \(key) (first at document \(first)); each object may appear once in a bundle"
            ).status
        }
    }
}

/// `422 Invalid`, as for a single object, with the message and every cause prefixed by where the
/// document is in the stream.
extension InvalidDocument: StatusReporting {
    public var status: APIStatus {
        let firstLine = causeLines.first ?? line
        var status = APIError.invalid(
            error, prefix: "document \(index) (starting at line \(line), error at line \(firstLine)): "
        ).status
        status.causes = zip(error.causes, causeLines).map { cause, line in
            var located = cause
            located.message = "document \(index), line \(line): \(cause.message)"
            return located
        }
        return status
    }
}

/// An item of a decision batch that cannot be decided: the item's own Status (without causes),
/// its message prefixed by the item's position.
extension BatchItemError: StatusReporting {
    var status: APIStatus {
        let item = error.status
        return APIStatus(code: item.code, reason: item.reason, message: "items[\(position)]: \(item.message)")
    }
}
