import ArgumentParser
import PolicyCore

/// The text forms shared by `reach` and `connectivity`: per-protocol ports, counts and aligned columns.
enum ConnectionText {
    /// The protocols in the order people read them; any other key the server sends follows, sorted.
    static let protocols = ["TCP", "UDP", "SCTP"]

    /// `TCP 80, 8000-8999; UDP 53`, or `all ports` when every port of all three protocols is allowed
    /// (the common "no policy isolates this" case, which would otherwise read as three full ranges).
    static func ports(_ value: JSONValue?) -> String {
        guard let members = value?.objectValue else { return "?" }
        let ranges = members.compactMapValues { Verdict.ranges($0) }.filter { !$0.value.isEmpty }
        if protocols.allSatisfy({ ranges[$0] == [1...65535] }) { return "all ports" }
        let order = protocols.filter { ranges[$0] != nil } + ranges.keys.filter { !protocols.contains($0) }.sorted()
        let parts = order.map { "\($0) \(Verdict.list(ranges[$0]!))" }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }

    /// The names `-n` gives, comma-separated or repeated.
    static func namespaces(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The checks set questions share: no empty name in `-n`, and a port in range.
    static func validate(namespaces values: [String], port: Int?) throws {
        if namespaces(values).contains(where: \.isEmpty) {
            throw ValidationError("-n \(values.joined(separator: ",")): give namespace names separated by commas")
        }
        if let port, !(1...65535).contains(port) { throw ValidationError("--port \(port): give a port from 1 to 65535") }
    }

    /// `1 pod`, `12 pods`.
    static func count(_ number: Int, _ singular: String, _ plural: String) -> String {
        "\(number) \(number == 1 ? singular : plural)"
    }

    /// Rows as columns padded to their widest cell, three spaces apart as kubectl prints them; the
    /// last column is not padded so lines carry no trailing blanks.
    static func columns(_ rows: [[String]]) -> [String] {
        let count = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: count)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                line += cell
                if index < row.count - 1 { line += String(repeating: " ", count: widths[index] - cell.count + 3) }
            }
            return line
        }
    }

    /// A query string from name-value pairs, each value percent-encoded; `/`, `:` and `,` stay as
    /// they are so `to=shop/db`, IPv6 addresses and `namespace=a,b` read the same in a server log.
    static func query(_ items: [(String, String)]) -> String {
        items.map { "\($0.0)=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ value: String) -> String {
        let kept = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~/:,".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if kept.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                Hex.append(byte, to: &out)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
