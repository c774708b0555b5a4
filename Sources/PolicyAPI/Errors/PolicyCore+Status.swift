public import PolicyCore

/// An object that failed validation: `422 Invalid` with one cause per field.
extension ValidationError: StatusReporting {
    public var status: APIStatus { APIError.invalid(self).status }
}

/// A decision about a pod or namespace that is not stored is `404`; a question that cannot be
/// answered as asked is `422` naming the field.
extension DecisionError: StatusReporting {
    public var status: APIStatus {
        switch kind {
        case .podNotFound, .namespaceNotFound, .objectNotFound:
            APIStatus(code: 404, reason: "NotFound", message: "\(field): \(message)")
        case .invalid:
            APIError.invalidField(field, message).status
        }
    }
}
