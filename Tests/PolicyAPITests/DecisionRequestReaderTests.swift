import PolicyAPI
import PolicyCore
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
        let text = #"{"items":[{"source":{"namespace":"x","pod":"a"},"destination":{"ip":"8.8.8.8"},"port":53,"protocol":"UDP"},{"source":{"ip":"1.1.1.1"},"destination":{"namespace":"x","pod":"a"}}]}"#
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
