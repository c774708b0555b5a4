import MicroHTTP
import PolicyCore

extension Router {
    func decide(_ request: HTTPRequest, requestID: String) throws -> HTTPResponse {
        let question: DecisionRequest
        if request.method == "GET" {
            question = try shorthandQuestion(request.query)
        } else if isJSON(request), let fast = DecisionRequestReader.read(request.body) {
            question = fast
        } else {
            question = try DecisionCodec.request(try jsonBody(request))
        }
        if try stagedParameter(request.query) {
            let (enforced, staged) = service.enforcedAndStaged()
            let decision = try enforced.decide(question)
            let stagedDecision = try staged.decide(question)
            options.metrics.recordDecisions(allowed: decision.allowed ? 1 : 0, denied: decision.allowed ? 0 : 1)
            options.decisionRecorder?.record(DecisionAudit.line(question, decision, requestID: requestID))
            return HTTPResponse(
                status: 200, contentType: "application/json", body: DecisionWriter.bytes(decision, staged: stagedDecision))
        }
        let decision = try service.withCurrent { try $0.decide(question) }
        options.metrics.recordDecisions(allowed: decision.allowed ? 1 : 0, denied: decision.allowed ? 0 : 1)
        options.decisionRecorder?.record(DecisionAudit.line(question, decision, requestID: requestID))
        return HTTPResponse(status: 200, contentType: "application/json", body: DecisionWriter.bytes(decision))
    }

    func decideBatch(_ request: HTTPRequest, requestID: String) throws -> HTTPResponse {
        let questions: [DecisionRequest]
        if isJSON(request), let fast = DecisionRequestReader.readBatch(request.body) {
            questions = fast
        } else {
            questions = try batchQuestions(request)
        }

        // One compiled set for the whole batch: every answer is on the same revision.
        let recorder = options.decisionRecorder
        let sets: (CompiledPolicySet, CompiledPolicySet?) =
            try stagedParameter(request.query) ? service.enforcedAndStaged() : (service.current, nil)
        let (body, allowed) = try BatchAnswer.answer(
            questions, on: sets.0, staged: sets.1, jobs: .cores,
            record: recorder.map { recorder in
                { question, decision in recorder.record(DecisionAudit.line(question, decision, requestID: requestID)) }
            })
        options.metrics.recordDecisions(allowed: allowed, denied: questions.count - allowed)
        return HTTPResponse(status: 200, contentType: "application/json", body: body)
    }

    func evaluateSelector(_ request: HTTPRequest) throws -> HTTPResponse {
        let body = try jsonBody(request)
        let errors = FieldErrors()
        guard let reader = FieldReader(body, at: "", errors: errors) else {
            throw APIError.invalidField("body", "must be an object with a selector")
        }
        reader.rejectUnknown(["selector", "labels"])
        let text = reader.string("selector")
        let labels = reader.stringMap("labels")
        if text == nil, !reader.has("selector") { errors.add(.required("selector")) }
        if !errors.isEmpty { throw DecisionCodec.invalid(errors) }
        let selector: CalicoSelector
        do {
            selector = try CalicoSelector(parsing: text ?? "")
        } catch {
            // The parser knows the position, the request knows the text and the field.
            throw APIError.invalid(
                "selector \"\(text ?? "")\" does not parse: \(error)", causes: [.invalid("selector", "\(error)")])
        }
        var answer: [String: JSONValue] = ["valid": .bool(true), "canonical": .string(selector.description)]
        if let labels {
            answer["matches"] = .bool(selector.matches(labels))
        } else {
            let compiled = service.current
            answer["pods"] = .array(compiled.pods(matching: selector).map { .string($0) })
            answer["revision"] = .integer(compiled.revision)
        }
        return .json(.object(answer))
    }

    /// The general path for a batch body, with exact errors.
    private func batchQuestions(_ request: HTTPRequest) throws -> [DecisionRequest] {
        let body = try jsonBody(request)
        let errors = FieldErrors()
        guard let reader = FieldReader(body, at: "", errors: errors), let items = reader.array("items") else {
            throw APIError.invalidField("items", "must be an array of decision requests")
        }
        reader.rejectUnknown(["items"])
        if !errors.isEmpty { throw DecisionCodec.invalid(errors) }
        var questions: [DecisionRequest] = []
        questions.reserveCapacity(items.count)
        for item in items { questions.append(try DecisionCodec.request(item.value, at: item.path)) }
        return questions
    }

    private func isJSON(_ request: HTTPRequest) -> Bool {
        guard let type = request.header("content-type") else { return true }
        return type.lowercased().hasPrefix("application/json")
    }

    private func jsonBody(_ request: HTTPRequest) throws -> JSONValue {
        if let type = request.header("content-type"), !type.lowercased().hasPrefix("application/json") {
            throw APIError.unsupportedMediaType(type)
        }
        return try BundleReader.json(request.body)
    }

    private func shorthandQuestion(_ query: [String: String]) throws -> DecisionRequest {
        guard let from = query["from"], !from.isEmpty else {
            throw APIError.invalidField("from", "required: ns/pod or an IP address")
        }
        guard let to = query["to"], !to.isEmpty else { throw APIError.invalidField("to", "required: ns/pod or an IP address") }
        var port: Int?
        if let text = query["port"], !text.isEmpty {
            guard let number = Int(text), PortNumber.isValid(number) else {
                throw APIError.invalidField("port", PortNumber.outOfRangeMessage("\"\(text)\""))
            }
            port = number
        }
        var proto = TransportProtocol.tcp
        if let text = query["protocol"], !text.isEmpty {
            guard let parsed = TransportProtocol(name: text) else {
                let unsupported = FieldError.notSupported("protocol", text, supported: ["SCTP", "TCP", "UDP"])
                throw APIError.invalidField("protocol", unsupported.message)
            }
            proto = parsed
        }
        return DecisionRequest(
            source: try DecisionCodec.side(shorthand: from, field: "from"),
            destination: try DecisionCodec.side(shorthand: to, field: "to"), port: port, protocol: proto)
    }

    /// `staged=true|false` (absent: false): whether answers also say what staged policies would do.
    func stagedParameter(_ query: [String: String]) throws -> Bool {
        switch query["staged"] {
        case nil, "", "false": return false
        case "true": return true
        case let other?:
            throw APIError.invalidField("staged", FieldError.notSupported("staged", other, supported: ["false", "true"]).message)
        }
    }
}
