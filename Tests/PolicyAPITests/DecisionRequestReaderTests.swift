import PolicyAPI
import PolicyCore
import SeededRandom
import Testing

@Suite struct DecisionRequestReaderTests {
    @Test(arguments: [
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":53,"protocol":"UDP"}"#,
        #" { "destination" : { "namespace" : "x" , "pod" : "b" } , "source" : { "ip" : "fd00::1" } } "#,
        #"{"source":{"namespace":"x","labels":{"app":"web","tier":"a"}},"destination":{"namespace":"x","pod":"b"},"port":null}"#,
        #"{"source":{"namespace":"x","labels":{},"ip":"10.0.0.1"},"destination":{"ip":"1.1.1.1"},"port":65535,"protocol":"sctp"}"#,
    ])
    func theFastReaderAgreesWithTheGeneralPath(text: String) throws {
        let fast = try #require(DecisionRequestReader.read(Array(text.utf8)))
        #expect(fast == (try DecisionCodec.request(try JSONParser.parse(text))))
    }

    @Test(arguments: [
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":0}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":5.5}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":080}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.300"}}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"extra":1}"#,
        #"{"source":{"namespace":"x","pod":"a"},"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"}}"#,
        #"{"source":{"namespace":"x","pod":"\u0061"},"destination":{"ip":"8.8.8.8"}}"#,
        #"{"source":{"namespace":"x","pod":"a","ip":"1.1.1.1"},"destination":{"ip":"8.8.8.8"}}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"}} x"#,
        #"{"source":{"namespace":"x","pod":"a"}}"#,
        #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"protocol":"ICMP"}"#,
    ])
    func anythingUnusualIsLeftToTheGeneralPath(text: String) {
        #expect(DecisionRequestReader.read(Array(text.utf8)) == nil)
    }
}

@Suite struct BatchReaderTests {
    @Test func theFastBatchReaderAgreesWithTheGeneralPath() throws {
        let text =
            #"{"items":[{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":53,"protocol":"UDP"},{"source":{"ip":"1.1.1.1"},"destination":{"namespace":"x","pod":"a"}}]}"#
        let fast = try #require(DecisionRequestReader.readBatch(Array(text.utf8)))
        let general = try #require(JSONParser.parse(text)["items"]?.arrayValue).map { try DecisionCodec.request($0) }
        #expect(fast == general)
        #expect(DecisionRequestReader.readBatch(Array(#"{"items":[]}"#.utf8)) == [])
    }

    @Test(arguments: [#"{"items":[{"source":{"ip":"1.1.1.1"}}]}"#, #"{"items":[],"x":1}"#, #"{"items":{}}"#, #"{"items":[1]}"#])
    func oddBatchesAreLeftToTheGeneralPath(text: String) {
        #expect(DecisionRequestReader.readBatch(Array(text.utf8)) == nil)
    }
}

/// A repeatable random source for generated requests.
typealias RequestRandom = SplitMix64

/// Writes decision requests from a small grammar: usually the plain shape the fast reader takes,
/// sometimes with a value, member or byte that makes it unusual or wrong. `plain` stays true while
/// only plain choices were made.
struct RequestGenerator {
    var random: RequestRandom
    var plain = true

    mutating func chance(_ n: Int) -> Bool { Int.random(in: 0..<n, using: &random) == 0 }

    /// A plain value most of the time, else an unusual one (which clears `plain`).
    mutating func value(_ plainValues: [String], _ unusual: [String]) -> String {
        if chance(10) {
            plain = false
            return unusual[Int.random(in: 0..<unusual.count, using: &random)]
        }
        return plainValues[Int.random(in: 0..<plainValues.count, using: &random)]
    }

    mutating func space() -> String {
        chance(3) ? ["", " ", "\n", "\t", "\r\n  "][Int.random(in: 0..<5, using: &random)] : ""
    }

    /// `{ "key": value, ... }` with the members in a random order and random whitespace.
    mutating func object(_ members: [(String, String)]) -> String {
        var shuffled = members
        shuffled.shuffle(using: &random)
        if !shuffled.isEmpty, chance(25) {
            plain = false
            shuffled.append(shuffled[0])  // a duplicate key
        }
        let body = shuffled.map { key, value in space() + "\"\(key)\"" + space() + ":" + space() + value + space() }
        return "{" + body.joined(separator: ",") + space() + "}"
    }

    mutating func name() -> String {
        value([#""x""#, #""default""#, #""a-b""#, #""""#], [#""\u0061""#, #""é""#, "1", "null", #""a\"b""#])
    }

    mutating func address() -> String {
        value([#""10.0.0.1""#, #""fd00::1""#, #""8.8.8.8""#], [#""10.0.0.300""#, #""""#, #""fd00::1::2""#, "42", "null"])
    }

    mutating func labels() -> String {
        if chance(6) {
            plain = false
            return [#"{"app":1}"#, #"{"app":"web","app":"db"}"#, "[]", "null", #"{"\u0061":"b"}"#][
                Int.random(in: 0..<5, using: &random)]
        }
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return "{}"
        case 1: return object([("app", name())])
        default: return object([("app", name()), ("tier", name())])
        }
    }

    mutating func endpoint() -> String {
        switch Int.random(in: 0..<7, using: &random) {
        case 0, 1: return object([("namespace", name()), ("pod", name())])
        case 2: return object([("ip", address())])
        case 3: return object([("namespace", name()), ("labels", labels())])
        case 4: return object([("namespace", name()), ("labels", labels()), ("ip", address())])
        default:
            plain = false
            switch Int.random(in: 0..<6, using: &random) {
            case 0: return object([("namespace", name()), ("pod", name()), ("ip", address())])
            case 1: return object([("namespace", name())])
            case 2: return object([("namespace", name()), ("ip", address())])
            case 3: return object([("labels", labels())])
            case 4: return "null"
            default: return #""x/a""#
            }
        }
    }

    mutating func request() -> String {
        var members = [("source", endpoint()), ("destination", endpoint())]
        if chance(2) {
            members.append(
                (
                    "port",
                    value(
                        ["1", "80", "443", "65535", "null"],
                        ["0", "65536", "080", "-1", "1e2", "80.0", #""80""#, "true", "123456789"])
                ))
        }
        if chance(2) {
            members.append(
                ("protocol", value([#""TCP""#, #""udp""#, #""Sctp""#], [#""ICMP""#, #""""#, "6", "null", #""t\u0063p""#])))
        }
        if chance(20) {
            plain = false
            members.append(("extra", "1"))
        }
        if chance(20) {
            plain = false
            members.removeFirst()
        }
        return object(members)
    }
}

@Suite struct DecisionRequestReaderDifferentialTests {
    /// The general path: the JSON parser, then the codec with its field errors.
    static func general(_ bytes: [UInt8]) -> DecisionRequest? {
        guard let value = try? JSONParser.parse(bytes) else { return nil }
        return try? DecisionCodec.request(value)
    }

    /// Bytes that change a request's structure when inserted.
    static let structural = Array(#"{}[]":,0 \"#.utf8)

    /// Random damage: a byte changed, removed or inserted, one to three times.
    static func damage(_ text: String, _ random: inout RequestRandom) -> [UInt8] {
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            let position = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.remove(at: position)
            default: bytes.insert(Self.structural[Int.random(in: 0..<Self.structural.count, using: &random)], at: position)
            }
            if bytes.isEmpty { bytes = [UInt8(ascii: "{")] }
        }
        return bytes
    }

    /// Whatever the fast reader accepts, the general path reads as the same request; and it does
    /// accept every plain request, so the comparison is never vacuous.
    @Test func onGeneratedAndMutatedRequestsTheFastReaderAgreesOrDefers() {
        var generator = RequestGenerator(random: RequestRandom(state: 31))
        var plainCount = 0
        var fastAccepted = 0
        var deferred = 0
        for round in 0..<10_000 {
            generator.plain = true
            let text = generator.request()
            let damaged = round % 3 == 0
            let bytes = damaged ? Self.damage(text, &generator.random) : Array(text.utf8)
            let fast = DecisionRequestReader.read(bytes)
            let general = Self.general(bytes)
            let shown = String(decoding: bytes, as: UTF8.self)
            if let fast {
                fastAccepted += 1
                #expect(general == fast, "\(shown)")
            } else if general != nil {
                deferred += 1
            }
            if generator.plain && !damaged {
                plainCount += 1
                #expect(fast != nil, "a plain request went to the general path: \(shown)")
            }
        }
        #expect(plainCount > 1000)
        #expect(fastAccepted >= plainCount)
        #expect(deferred > 100)
    }

    @Test func onGeneratedBatchesTheFastBatchReaderAgreesOrDefers() {
        var generator = RequestGenerator(random: RequestRandom(state: 32))
        var fastAccepted = 0
        for round in 0..<3000 {
            generator.plain = true
            let items = (0..<Int.random(in: 0...3, using: &generator.random)).map { _ in generator.request() }
            var text = generator.object([("items", "[" + items.joined(separator: ",") + "]")])
            if round % 10 == 0 { text = String(text.dropLast()) + #","x":1}"# }
            let bytes = round % 4 == 0 ? Self.damage(text, &generator.random) : Array(text.utf8)
            guard let fast = DecisionRequestReader.readBatch(bytes) else { continue }
            fastAccepted += 1
            let general: [DecisionRequest]? = (try? JSONParser.parse(bytes)).flatMap { value in
                guard case .object(let members) = value, members.count == 1, let list = value["items"]?.arrayValue else {
                    return nil
                }
                return try? list.map { try DecisionCodec.request($0) }
            }
            #expect(general == fast, "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(fastAccepted > 400)
    }
}
