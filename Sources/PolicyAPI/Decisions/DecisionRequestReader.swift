public import PolicyCore

/// Reads the common shape of a decision request straight from bytes, without building a JSON tree.
///
/// It accepts only plain, well-formed requests (ASCII strings without escapes, known fields, right
/// types) and returns nil for anything else, so the general path (``JSONParser`` then
/// ``DecisionCodec``) can produce the exact error. Both paths must agree on every request they accept.
public struct DecisionRequestReader {
    private let bytes: [UInt8]
    private var index = 0

    /// The request, or nil when the general path must decide.
    public static func read(_ bytes: [UInt8]) -> DecisionRequest? {
        var reader = DecisionRequestReader(bytes: bytes)
        return reader.request(atTopLevel: true)
    }

    /// The items of a `{"items": [...]}` batch, or nil when the general path must decide.
    public static func readBatch(_ bytes: [UInt8]) -> [DecisionRequest]? {
        var reader = DecisionRequestReader(bytes: bytes)
        var items: [DecisionRequest]?
        let ok = reader.object(Key.batch) { reader, key in
            guard key == .items, reader.take(UInt8(ascii: "[")) else { return false }
            var list: [DecisionRequest] = []
            if reader.take(UInt8(ascii: "]")) {
                items = list
                return true
            }
            while true {
                guard let item = reader.request(atTopLevel: false) else { return false }
                list.append(item)
                if reader.take(UInt8(ascii: ",")) { continue }
                guard reader.take(UInt8(ascii: "]")) else { return false }
                items = list
                return true
            }
        }
        reader.skipSpace()
        guard ok, reader.index == bytes.count else { return nil }
        return items
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// A string with no escapes and only ASCII, else nil.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte >= 0x80 { return nil }
            index += 1
        }
        return nil
    }

    private mutating func integer() -> Int? {
        skipSpace()
        var value = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39, digits < 6 {
            value = value * 10 + Int(bytes[index] - 0x30)
            index += 1
            digits += 1
        }
        guard digits > 0, index < bytes.count, bytes[index] != UInt8(ascii: "."), bytes[index] != UInt8(ascii: "e"),
            bytes[index] != UInt8(ascii: "E"), !(digits > 1 && bytes[index - digits] == 0x30)
        else { return nil }
        return value
    }

    private mutating func isNull() -> Bool {
        skipSpace()
        guard bytes[index...].starts(with: [0x6E, 0x75, 0x6C, 0x6C]) else { return false }
        index += 4
        return true
    }

    /// The member names the fast path knows; any other name sends the request to the general path.
    private enum Key: UInt8 {
        case items, source, destination, port, `protocol`, namespace, pod, ip, labels

        static let batch: [Key] = [.items]
        static let request: [Key] = [.source, .destination, .port, .protocol]
        static let endpoint: [Key] = [.namespace, .pod, .ip, .labels]

        var bytes: StaticString {
            switch self {
            case .items: "items"
            case .source: "source"
            case .destination: "destination"
            case .port: "port"
            case .protocol: "protocol"
            case .namespace: "namespace"
            case .pod: "pod"
            case .ip: "ip"
            case .labels: "labels"
            }
        }
    }

    /// A quoted member name among `known`, compared as bytes (no String is made); nil otherwise.
    private mutating func key(_ known: [Key]) -> Key? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") { index += 1 }
        guard index < bytes.count else { return nil }
        let length = index - start
        index += 1
        for key in known {
            let name = key.bytes
            guard name.utf8CodeUnitCount == length else { continue }
            let same = name.withUTF8Buffer { name in
                for offset in 0..<length where bytes[start + offset] != name[offset] { return false }
                return true
            }
            if same { return key }
        }
        return nil
    }

    /// Reads `{ "key": value, ... }` with names among `known`, each at most once, calling `member`
    /// for each; false if anything is off.
    private mutating func object(_ known: [Key], _ member: (inout DecisionRequestReader, Key) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        var seen: UInt32 = 0
        while true {
            guard let key = key(known), seen & (1 << key.rawValue) == 0, take(UInt8(ascii: ":")) else { return false }
            seen |= 1 << key.rawValue
            guard member(&self, key) else { return false }
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// Reads a `{ "name": "value", ... }` label map; nil if anything is off or a name repeats.
    private mutating func labelMap() -> [String: String]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var map: [String: String] = [:]
        if take(UInt8(ascii: "}")) { return map }
        while true {
            guard let name = string(), map[name] == nil, take(UInt8(ascii: ":")), let value = string() else { return nil }
            map[name] = value
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}")) ? map : nil
        }
    }

    private mutating func endpoint() -> Endpoint? {
        var namespace: String?
        var pod: String?
        var ip: IPAddress?
        var labels: [String: String]?
        let ok = object(Key.endpoint) { reader, key in
            switch key {
            case .namespace:
                namespace = reader.string()
                return namespace != nil
            case .pod:
                pod = reader.string()
                return pod != nil
            case .ip:
                guard let text = reader.string(), let address = IPAddress(text) else { return false }
                ip = address
                return true
            case .labels:
                labels = reader.labelMap()
                return labels != nil
            default: return false
            }
        }
        guard ok else { return nil }
        switch (namespace, pod, ip, labels) {
        case (let namespace?, let pod?, nil, nil): return .pod(namespace: namespace, name: pod)
        case (nil, nil, let ip?, nil): return .address(ip)
        case (let namespace?, nil, let ip, let labels?): return .workload(namespace: namespace, labels: labels, ip: ip)
        default: return nil
        }
    }

    private mutating func request(atTopLevel: Bool) -> DecisionRequest? {
        var source: Endpoint?
        var destination: Endpoint?
        var port: Int?
        var proto = TransportProtocol.tcp
        let ok = object(Key.request) { reader, key in
            switch key {
            case .source:
                source = reader.endpoint()
                return source != nil
            case .destination:
                destination = reader.endpoint()
                return destination != nil
            case .port:
                if reader.isNull() { return true }
                guard let number = reader.integer(), PortNumber.isValid(number) else { return false }
                port = number
                return true
            case .protocol:
                guard let name = reader.string(), let parsed = TransportProtocol(name: name) else { return false }
                proto = parsed
                return true
            default: return false
            }
        }
        skipSpace()
        guard ok, !atTopLevel || index == bytes.count, let source, let destination else { return nil }
        return DecisionRequest(source: source, destination: destination, port: port, protocol: proto)
    }
}
