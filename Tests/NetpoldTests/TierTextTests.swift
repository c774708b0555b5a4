import ArgumentParser
import PolicyCore
import Testing

@testable import netpold

/// How `netpold decide` words tiers, and what `netpold kubeconfig` prints.
@Suite struct TierTextTests {
    func side(_ text: String) throws -> [String] {
        let answer = try JSONParser.parse(#"{"allowed":false,"ingress":\#(text),"revision":7}"#)
        return Verdict(answer, port: 80, transport: "TCP").lines(from: "a/x", to: "b/y", colour: false)
    }

    @Test func aDecidingRuleOutsideTheDefaultTierIsNamedWithItsTierAndName() throws {
        let lines = try side(
            #"{"action":"Deny","allowed":false,"policy":{"apiVersion":"policy.networking.k8s.io/v1alpha2","kind":"ClusterNetworkPolicy","name":"no-b"},"reason":"DeniedByPolicy","rule":0,"ruleName":"deny-b","tier":"kube-admin"}"#
        )
        #expect(
            lines.last
                == #"  ingress denied   DeniedByPolicy by ClusterNetworkPolicy no-b rule 0 "deny-b" (Deny) in tier kube-admin"#)
    }

    @Test func theDefaultTierIsNotNamedButTheTiersPassedAre() throws {
        let lines = try side(
            #"{"action":"Allow","allowed":true,"passed":[{"policy":{"kind":"GlobalNetworkPolicy","name":"gate"},"rule":1,"tier":"security"},{"tier":"kube-admin"}],"policy":{"kind":"NetworkPolicy","name":"web","namespace":"b"},"reason":"AllowedByPolicy","rule":0,"tier":"default"}"#
        )
        #expect(
            lines.last
                == "  ingress allowed  AllowedByPolicy by NetworkPolicy b/web rule 0 (Allow); passed by security (GlobalNetworkPolicy gate), kube-admin (its default action)"
        )
    }

    @Test func anEndOfTierDenyNamesTheTier() throws {
        let lines = try side(
            #"{"allowed":false,"policies":[{"kind":"GlobalNetworkPolicy","name":"gate"}],"reason":"NoRuleMatched","tier":"security"}"#
        )
        #expect(lines.last == "  ingress denied   NoRuleMatched at the end of tier security (applied: gate)")
    }

    @Test func aKubeconfigReferencesTheTokenAndCAFilesByAbsolutePath() throws {
        let options = try ServerOptions.parse([
            "--server", "https://10.0.0.1:8443/", "--token-file", "tok", "--ca-file", "/etc/ca.pem",
        ])
        let text = Netpold.Kubeconfig.document(options: options, namespace: "shop", workingDirectory: "/home/me")
        #expect(text.contains(#"    server: "https://10.0.0.1:8443""#))
        #expect(text.contains(#"    certificate-authority: "/etc/ca.pem""#))
        #expect(text.contains(#"    tokenFile: "/home/me/tok""#))
        #expect(text.contains("    namespace: shop"))
        #expect(text.contains("current-context: netpold"))
        let plain = Netpold.Kubeconfig.document(options: try ServerOptions.parse([]), namespace: nil, workingDirectory: "/")
        #expect(plain.contains("  user: {}"))
        #expect(!plain.contains("tokenFile"))
    }
}
