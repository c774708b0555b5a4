public import PolicyCore

/// How a connectivity answer is written: JSON, CSV, a Markdown table or a Graphviz graph. Each
/// format is a header, entries written a piece at a time as they are produced, and a footer, so a
/// large answer is never held whole.
public enum ConnectivityFormat: String, Sendable, CaseIterable {
    case json, csv, md, dot

    public var contentType: String {
        switch self {
        case .json: "application/json"
        case .csv: "text/csv; charset=utf-8"
        case .md: "text/markdown; charset=utf-8"
        case .dot: "text/vnd.graphviz; charset=utf-8"
        }
    }

    public func header(revision: Int64, groupBy: ConnectivityQuery.Grouping) -> [UInt8] {
        switch self {
        case .json: Array(#"{"revision":\#(revision),"groupBy":"\#(groupBy.rawValue)","connections":["#.utf8)
        case .csv: Array((groupBy == .namespace ? "from,to,protocol,ports,allowed,total\n" : "from,to,protocol,ports\n").utf8)
        case .md:
            Array(
                (groupBy == .namespace
                    ? "| from | to | ports | pod pairs allowed |\n|---|---|---|---|\n" : "| from | to | ports |\n|---|---|---|\n")
                    .utf8)
        case .dot:
            Array(
                "// netpold connectivity, revision \(revision), grouped by \(groupBy.rawValue)\ndigraph connectivity {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\"];\n"
                    .utf8)
        }
    }

    public var footer: [UInt8] {
        switch self {
        case .json: Array("]}".utf8)
        case .csv, .md: []
        case .dot: Array("}\n".utf8)
        }
    }

    /// Entries, appended to `out`; `first` says whether any entry was written before (JSON's commas).
    public func write(_ entries: [ConnectivityEntry], first: inout Bool, into out: inout [UInt8]) {
        for entry in entries {
            switch self {
            case .json:
                if !first { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"from":"#.utf8)
                JSONWriter.writeString(entry.from, into: &out)
                out.append(contentsOf: #","to":"#.utf8)
                JSONWriter.writeString(entry.to, into: &out)
                out.append(contentsOf: #","ports":"#.utf8)
                entry.ports.writeJSON(into: &out)
                if let allowed = entry.allowedPairs, let total = entry.totalPairs {
                    out.append(contentsOf: #","pairs":{"allowed":\#(allowed),"total":\#(total)}"#.utf8)
                }
                out.append(UInt8(ascii: "}"))
            case .csv:
                for proto in TransportProtocol.allCases where !entry.ports[proto].isEmpty {
                    Self.appendCSV(entry.from, into: &out)
                    out.append(UInt8(ascii: ","))
                    Self.appendCSV(entry.to, into: &out)
                    out.append(UInt8(ascii: ","))
                    out.append(contentsOf: proto.rawValue.utf8)
                    out.append(UInt8(ascii: ","))
                    let ports = entry.ports[proto]
                    if ports.ranges.count == 1 {
                        Self.appendRange(ports.ranges[0], into: &out)
                    } else {
                        out.append(UInt8(ascii: "\""))
                        for (position, range) in ports.ranges.enumerated() {
                            if position > 0 { out.append(UInt8(ascii: ",")) }
                            Self.appendRange(range, into: &out)
                        }
                        out.append(UInt8(ascii: "\""))
                    }
                    if let allowed = entry.allowedPairs, let total = entry.totalPairs {
                        out.append(contentsOf: ",\(allowed),\(total)".utf8)
                    }
                    out.append(UInt8(ascii: "\n"))
                }
            case .md:
                var line = "| \(Self.markdown(entry.from)) | \(Self.markdown(entry.to)) | \(Self.text(entry.ports)) |"
                if let allowed = entry.allowedPairs, let total = entry.totalPairs { line += " \(allowed) of \(total) |" }
                out.append(contentsOf: (line + "\n").utf8)
            case .dot:
                var line = "  \(Self.dotID(entry.from)) -> \(Self.dotID(entry.to)) [label=\(Self.dotID(Self.text(entry.ports)))"
                if let allowed = entry.allowedPairs, let total = entry.totalPairs {
                    line += ", tooltip=\(Self.dotID("\(allowed) of \(total) pod pairs"))"
                }
                out.append(contentsOf: (line + "];\n").utf8)
            }
            first = false
        }
    }

    /// `80, 8000-8999` for one protocol.
    static func text(_ ports: PortSet) -> String {
        ports.ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }

    /// `all ports`, or `TCP 80,8000-8999; UDP 53`.
    public static func text(_ ports: ProtocolPorts) -> String {
        if ports.isAll { return "all ports" }
        return TransportProtocol.allCases.filter { !ports[$0].isEmpty }.map {
            ports[$0].isAll ? "\($0.rawValue) all" : "\($0.rawValue) \(text(ports[$0]))"
        }.joined(separator: "; ")
    }

    /// A CSV field straight into the output: quoted only when it holds a comma, quote or newline.
    static func appendCSV(_ text: String, into out: inout [UInt8]) {
        let bytes = text.utf8
        guard bytes.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(contentsOf: csvField(text).utf8)
    }

    /// `80` or `8000-8999`.
    static func appendRange(_ range: ClosedRange<Int>, into out: inout [UInt8]) {
        out.append(contentsOf: String(range.lowerBound).utf8)
        if range.upperBound != range.lowerBound {
            out.append(UInt8(ascii: "-"))
            out.append(contentsOf: String(range.upperBound).utf8)
        }
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + escaped(text) { $0 == "\"" ? "\"\"" : nil } + "\""
    }

    /// Brackets stay: `ns/name[Kind]` is no link in a table cell, and escaping them only clutters it.
    static func markdown(_ text: String) -> String {
        escaped(text) { $0 == "|" ? "\\|" : nil }
    }

    static func dotID(_ text: String) -> String {
        "\"" + escaped(text) { $0 == "\\" || $0 == "\"" ? "\\\($0)" : nil } + "\""
    }

    /// The text with each character `replacement` names replaced.
    private static func escaped(_ text: String, _ replacement: (Character) -> String?) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            if let replaced = replacement(character) { result += replaced } else { result.append(character) }
        }
        return result
    }
}
