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
            APIError.badRequest("\(position) repeats \(key) (first at \(first)); each object may appear once in a bundle").status
        case .tierReference(.tierNotFound(let policy, let tier)):
            APIError(
                code: 422, reason: "Invalid",
                message: "\(policy.kind.kind).\(policy.kind.group) \"\(policy.namespace.isEmpty ? "" : policy.namespace + "/")"
                    + "\(policy.name)\" is invalid: spec.tier: tier \"\(tier)\" not found",
                kind: policy.kind.kind, name: policy.name,
                causes: [
                    FieldError(
                        field: "spec.tier", reason: "FieldValueNotFound",
                        message: "tier \"\(tier)\" not found: create the Tier first (it may come in the same import)")
                ]
            ).status
        case .tierReference(.tierNotEmpty(let tier, let policy)):
            APIError(
                code: 409, reason: "Conflict",
                message: "tier \"\(tier)\" cannot be deleted while \(policy) is in it: delete or move its policies first",
                kind: "Tier", name: tier
            ).status
        }
    }
}

/// `422 Invalid`, as for a single object, with the message and every cause prefixed by where the
/// document is: its file (in a multipart import), its position, and its lines when known.
extension InvalidDocument: StatusReporting {
    public var status: APIStatus {
        let firstLine = causeLines.first ?? location.line
        let prefix =
            location.line > 0 ? "\(location) (starting at line \(location.line), error at line \(firstLine)): " : "\(location): "
        var status = APIError.invalid(error, prefix: prefix).status
        status.causes = zip(error.causes, causeLines).map { cause, line in
            var located = cause
            located.message = line > 0 ? "\(location), line \(line): \(cause.message)" : "\(location): \(cause.message)"
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
