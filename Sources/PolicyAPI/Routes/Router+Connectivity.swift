import MicroHTTP
import PolicyCore

/// Set answers: who can reach a pod, what it can reach, and every allowed connection in a scope.
extension Router {
    func reachability(_ request: HTTPRequest) throws -> HTTPResponse {
        let direction: CompiledPolicySet.ReachDirection
        let endpoint: Endpoint
        var port: Int?
        var proto: TransportProtocol?
        var echo: [UInt8] = []
        if request.method == "GET" {
            try rejectUnknownParameters(request.query, allowed: ["to", "from", "port", "protocol"])
            let to = request.query["to"]
            let from = request.query["from"]
            guard (to == nil) != (from == nil), let text = to ?? from, !text.isEmpty else {
                throw APIError.invalidField(
                    to != nil ? "from" : "to", "give exactly one of to= (who can reach it) and from= (what it can reach)")
            }
            direction = to != nil ? .to : .from
            let field = direction == .to ? "to" : "from"
            guard case .endpoint(let parsed) = try DecisionCodec.side(shorthand: text, field: field) else {
                throw APIError.invalidField(field, "\"\(text)\": expected namespace/pod or an IP address")
            }
            endpoint = parsed
            JSONWriter.writeString(text, into: &echo)
            (port, proto) = try portAndProtocol(request.query)
        } else {
            let body = try BundleReader.json(request.body)
            let errors = FieldErrors()
            guard let reader = FieldReader(body, at: "", errors: errors) else {
                throw APIError.invalidField("body", "must be an object with \"to\" or \"from\"")
            }
            reader.rejectUnknown(["to", "from", "port", "protocol"])
            let hasTo = reader.has("to")
            if hasTo == reader.has("from") {
                errors.add(.invalid(hasTo ? "from" : "to", "give exactly one of to and from"))
            }
            let field = hasTo ? "to" : "from"
            let parsed = DecisionCodec.endpoint(reader.members[field], at: field, errors: errors)
            port = reader.integer("port").flatMap { errors.port($0, at: "port") }
            if reader.has("protocol") { proto = reader.transportProtocol(ignoringCase: true) }
            guard errors.isEmpty, let parsed else { throw DecisionCodec.invalid(errors) }
            direction = hasTo ? .to : .from
            endpoint = parsed
            if let value = reader.members[field] { JSONWriter.write(value, into: &echo) }
        }
        let (set, index) = service.connectivity()
        let answer = try set.reachability(
            direction, endpoint, port: port, protocol: proto, index: index, jobs: .cores, walks: service.walks)
        if let walks = answer.walks { service.walks = walks }
        var prefix: [UInt8] = []
        prefix.append(contentsOf: #"{"revision":\#(answer.revision),"\#(direction == .to ? "to" : "from")":"#.utf8)
        prefix.append(contentsOf: echo)
        prefix.append(contentsOf: #","pods":"#.utf8)
        var suffix: [UInt8] = []
        suffix.append(contentsOf: #","addresses":["#.utf8)
        for (position, item) in answer.addresses.enumerated() {
            if position > 0 { suffix.append(UInt8(ascii: ",")) }
            suffix.append(contentsOf: #"{"cidr":""#.utf8)
            suffix.append(contentsOf: item.cidr.description.utf8)
            suffix.append(contentsOf: #"","ports":"#.utf8)
            item.ports.writeJSON(into: &suffix)
            suffix.append(UInt8(ascii: "}"))
        }
        suffix.append(contentsOf: "]}".utf8)
        // Streamed: the first pods leave while the rest are written (an answer can list every pod).
        let pieces = answer.podsJSONPieces()
        var head: [UInt8]? = prefix
        var tail: [UInt8]? = suffix
        let stream = HTTPBodyStream {
            if let piece = pieces() {
                guard let start = head else { return piece }
                head = nil
                return start + piece
            }
            defer { tail = nil }
            return tail
        }
        return HTTPResponse(status: 200, contentType: "application/json", stream: stream)
    }

    func connectivity(_ request: HTTPRequest) throws -> HTTPResponse {
        let query = request.query
        try rejectUnknownParameters(
            query, allowed: ["namespace", "groupBy", "port", "protocol", "externals", "format", "staged"])
        var question = try connectivityQuery(query)
        if let text = query["externals"] {
            switch text {
            case "true", "1": question.externals = true
            case "false", "0", "": question.externals = false
            default: throw APIError.invalidField("externals", "\"\(text)\": expected true or false")
            }
        }
        var format = ConnectivityFormat.json
        if let text = query["format"] {
            guard let chosen = ConnectivityFormat(rawValue: text) else {
                throw APIError.invalidField(
                    "format", FieldError.notSupported("format", text, supported: ["csv", "dot", "json", "md"]).message)
            }
            format = chosen
        }
        let (set, index) = try stagedParameter(query) ? service.stagedConnectivity() : service.connectivity()
        let answer = try set.connectivity(question, index: index, limit: options.maxConnections, jobs: .cores)
        // Written as produced, about 64 KiB at a time: a million pairs are never held at once.
        var header: [UInt8]? = format.header(revision: answer.revision, groupBy: answer.groupBy)
        var first = true
        var finished = false
        let stream = HTTPBodyStream {
            if finished { return nil }
            var out = header ?? []
            header = nil
            while out.count < 64 << 10 {
                guard let piece = answer.next() else {
                    out.append(contentsOf: format.footer)
                    finished = true
                    break
                }
                format.write(piece, first: &first, into: &out)
            }
            return out
        }
        var response = HTTPResponse(status: 200, contentType: format.contentType, stream: stream)
        response.headers.append(("X-Netpold-Revision", String(answer.revision)))
        return response
    }

    /// The scope (`namespace`, comma-separated), grouping, port and protocol of a set question.
    func connectivityQuery(_ query: [String: String]) throws -> ConnectivityQuery {
        var question = ConnectivityQuery()
        if let text = query["namespace"], !text.isEmpty {
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
                String($0.trimmingWhitespace())
            }
            if let bad = names.first(where: { NameRules.dns1123LabelProblem($0) != nil }) {
                throw APIError.invalidField("namespace", "\"\(bad)\" is not a namespace name")
            }
            question.namespaces = names
        }
        if let text = query["groupBy"] {
            guard let grouping = ConnectivityQuery.Grouping(rawValue: text) else {
                throw APIError.invalidField(
                    "groupBy", FieldError.notSupported("groupBy", text, supported: ["namespace", "pod", "workload"]).message)
            }
            question.groupBy = grouping
        }
        (question.port, question.protocol) = try portAndProtocol(query)
        return question
    }

    /// `port` (1-65535) and `protocol` (TCP, UDP, SCTP) from a query.
    private func portAndProtocol(_ query: [String: String]) throws -> (Int?, TransportProtocol?) {
        var port: Int?
        if let text = query["port"] {
            guard let number = Int(text), PortNumber.isValid(number) else {
                throw APIError.invalidField("port", PortNumber.outOfRangeMessage("\"\(text)\""))
            }
            port = number
        }
        var proto: TransportProtocol?
        if let text = query["protocol"] {
            guard let parsed = TransportProtocol(name: text) else {
                throw APIError.invalidField(
                    "protocol", FieldError.notSupported("protocol", text, supported: ["SCTP", "TCP", "UDP"]).message)
            }
            proto = parsed
        }
        return (port, proto)
    }

    func rejectUnknownParameters(_ query: [String: String], allowed: Set<String>) throws {
        if let unknown = query.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw APIError.invalidField(
                unknown, "unknown query parameter; this path takes " + allowed.sorted().joined(separator: ", "))
        }
    }
}
