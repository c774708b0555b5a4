import PolicyCore
import SeededRandom
import Testing

/// Generated-input tests: random and mutated inputs never crash the readers, and what is accepted
/// survives a round trip. Bounded by iteration counts so CI time stays fixed.
@Suite struct PropertyTests {
    static func randomJSON(_ random: inout SeededRandom, depth: Int = 0) -> JSONValue {
        let choice = depth > 4 ? Int.random(in: 0..<5, using: &random) : Int.random(in: 0..<7, using: &random)
        switch choice {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &random))
        case 2: return .integer(Int64.random(in: -1_000_000...1_000_000, using: &random))
        case 3: return .double(Double(Int.random(in: -1000...1000, using: &random)) / 8)
        case 4:
            let alphabet = Array("abc \"\\\n\t/é😀\u{01}")
            return .string(
                String(
                    (0..<Int.random(in: 0..<8, using: &random)).map { _ in
                        alphabet[Int.random(in: 0..<alphabet.count, using: &random)]
                    }))
        case 5: return .array((0..<Int.random(in: 0..<4, using: &random)).map { _ in randomJSON(&random, depth: depth + 1) })
        default:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0..<4, using: &random) {
                members["k\(index)"] = randomJSON(&random, depth: depth + 1)
            }
            return .object(members)
        }
    }

    @Test func everyWrittenJSONValueParsesBackToItself() throws {
        var random = SeededRandom(state: 11)
        for _ in 0..<3000 {
            let value = Self.randomJSON(&random)
            #expect(try JSONParser.parse(JSONWriter.bytes(value)) == value)
        }
    }

    @Test func mutatedJSONNeverCrashesTheParser() {
        var random = SeededRandom(state: 12)
        let seeds = [
            #"{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":53,"protocol":"UDP"}"#,
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"p"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":80}]}]}}"#,
        ].map { Array($0.utf8) }
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &random), at: position)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            if let value = try? JSONParser.parse(bytes) {
                parsed += 1
                // Whatever parses must also decode or be refused with field errors, never crash.
                _ = try? ObjectDecoder.decode(value)
            }
        }
        #expect(parsed > 0)
    }

    @Test func selectorsRoundTripThroughTheirCanonicalForm() throws {
        var random = SeededRandom(state: 13)
        let pieces = [
            "a", "b", "has(", ")", "(", "all()", "global()", "==", "!=", " in ", " not in ", "{", "}", "'x'", "\"y\"", ",", "&&",
            "||", "!", " ", "contains", "starts with", "ends with", "'", "tier",
        ]
        var valid = 0
        for _ in 0..<20_000 {
            let text = (0..<Int.random(in: 1...9, using: &random)).map { _ in
                pieces[Int.random(in: 0..<pieces.count, using: &random)]
            }.joined()
            guard let selector = try? CalicoSelector(parsing: text) else { continue }
            valid += 1
            let canonical = selector.description
            let reparsed = try CalicoSelector(parsing: canonical)
            #expect(reparsed.description == canonical, "\(text)")
            for labels in [[:], ["a": "x"], ["b": "y", "tier": "x"]] as [[String: String]] {
                #expect(reparsed.matches(labels) == selector.matches(labels), "\(text)")
            }
        }
        #expect(valid > 100)
    }
}
