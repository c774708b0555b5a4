import PolicyAPI
import PolicyCore
import Testing

@Suite struct DecisionWriterTests {
    @Test(arguments: [
        Decision(allowed: true, revision: 3, egress: nil, ingress: nil),
        Decision(
            allowed: false, revision: 42,
            egress: SideDecision(allowed: true, reason: .allowedByPolicy, policy: PolicyReference(kind: "GlobalNetworkPolicy", apiVersion: "projectcalico.org/v3", namespace: nil, name: "trusted \"q\""), rule: 0, action: "Allow"),
            ingress: SideDecision(allowed: false, reason: .noRuleMatched, policies: [PolicyReference(kind: "NetworkPolicy", namespace: "x", name: "default-deny")], ports: PortSet(ranges: [6379...6379])),
            ports: PortSet(ranges: [1...10, 20...30])),
    ])
    func theDirectWriterProducesWhatTheGeneralEncoderDoes(decision: Decision) throws {
        let direct = try JSONParser.parse(DecisionWriter.bytes(decision))
        #expect(direct == DecisionCodec.json(decision))
    }
}
