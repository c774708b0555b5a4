import PolicyCore
import SeededRandom
import Testing

/// The compiled evaluator (interned labels, selector programs, per-pod rule tables) against the
/// reference evaluator (`referenceDecide`: every policy's selector tested directly, rule objects
/// walked with dictionary-based selectors) on random clusters: every answer must be identical,
/// explanation and applied policies included.
@Suite struct ReferenceEvaluatorTests {
    static func request(_ cluster: inout RandomCluster) -> DecisionRequest {
        let source = cluster.endpoint()
        let destination = cluster.endpoint()
        let proto = cluster.pick([TransportProtocol.tcp, .tcp, .tcp, .udp, .sctp])
        let port: Int? =
            cluster.chance(4) ? nil : cluster.pick(RandomCluster.probePorts + [Int.random(in: 1...65535, using: &cluster.random)])
        return DecisionRequest(source: source, destination: destination, port: port, protocol: proto)
    }

    @Test func compiledAnswersEqualTheReferenceOnRandomClusters() throws {
        var compared = 0
        var allowed = 0
        for seed in 1...24 as ClosedRange<UInt64> {
            var cluster = RandomCluster(seed: seed + 100, pods: 12, policies: 16, tiered: seed % 2 == 0)
            let compiled = CompiledPolicySet(cluster.snapshot)
            for _ in 0..<200 {
                let question = Self.request(&cluster)
                let fast = try compiled.decide(question)
                let slow = try compiled.referenceDecide(question)
                #expect(fast == slow, "seed \(seed): \(question)")
                compared += 1
                if fast.allowed { allowed += 1 }
            }
        }
        #expect(compared == 24 * 200)
        #expect(allowed > compared / 10 && allowed < compared * 9 / 10)
    }

    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func incrementallyUpdatedAnswersEqualTheReference(seed: UInt64) throws {
        var random = SeededRandom(state: seed + 50)
        var snapshot = PolicySnapshot(revision: 0)
        snapshot.upsert(.namespace(Namespace(name: "a", labels: ["team": "x"])))
        snapshot.upsert(.namespace(Namespace(name: "b", labels: ["team": "y"])))
        var set = CompiledPolicySet(snapshot)
        let endpoints: [Endpoint] =
            ["a", "b"].flatMap { namespace in (0..<6).map { Endpoint.pod(namespace: namespace, name: "p\($0)") } }
            + [.address(IPAddress("8.8.8.8")!), .address(IPAddress("10.0.0.3")!)]
        for step in 1...40 {
            let change = try IncrementalCompileTests.randomChange(&random, step: step)
            switch change {
            case .upsert(let model): snapshot.upsert(model)
            case .remove(let key): snapshot.remove(key)
            }
            set = set.applying([change], revision: Int64(step), snapshot: snapshot)
            for source in endpoints {
                for destination in endpoints {
                    for port in [80, 8080, nil] as [Int?] {
                        let question = DecisionRequest(source: source, destination: destination, port: port)
                        let fast = try? set.decide(question)
                        let slow = try? set.referenceDecide(question)
                        #expect(fast == slow, "seed \(seed) step \(step): \(question)")
                    }
                }
            }
        }
    }

    /// A pod's table concatenates its policies' rules: each policy's selectors must stay its own
    /// (indices moved by the rules and programs before them), whichever policy comes first.
    @Test func tablesOfSeveralPoliciesKeepEachPolicysSelectors() throws {
        var snapshot = PolicySnapshot(revision: 1)
        snapshot.upsert(.namespace(Namespace(name: "a", labels: ["team": "x"])))
        for (name, app) in [("web", "web"), ("db", "db"), ("target", "api")] {
            snapshot.upsert(.pod(Pod(namespace: "a", name: name, labels: ["app": app], ips: [], namedPorts: [])))
        }
        for (name, from) in [("k1", "web"), ("k2", "db")] {
            let document = try JSONParser.parse(
                #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"\#(name)","namespace":"a"},"spec":{"podSelector":{},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"\#(from)"}}}]}]}}"#
            )
            snapshot.upsert(try ObjectDecoder.decode(document).model)
        }
        let compiled = CompiledPolicySet(snapshot)
        for (source, policy) in [("web", "k1"), ("db", "k2")] {
            let question = DecisionRequest(
                source: .pod(namespace: "a", name: source), destination: .pod(namespace: "a", name: "target"), port: 80)
            let decision = try compiled.decide(question)
            #expect(decision.allowed)
            #expect(decision.ingress?.policy?.name == policy)
            #expect(decision == (try compiled.referenceDecide(question)))
        }
    }

    /// Selector programs against `CalicoSelector.matches`: random selector texts as a Calico rule's
    /// source selector and namespace selector, random pod labels, every operator including the
    /// substring ones, missing labels and label values no policy mentions.
    @Test func selectorProgramsMatchLikeTheSelectors() throws {
        var random = SeededRandom(state: 77)
        func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }
        let pieces = [
            "a", "b", "has(a)", "has(b)", "all()", "global()", "a == 'x'", "b != 'y'", "a in {'x', 'yy'}", "b not in {'x'}",
            "a contains 'y'", "b starts with 'x'", "a ends with 'y'", "pcns.team == 'x'", "!", "(", ")", " && ", " || ",
        ]
        var checked = 0
        var matched = 0
        for round in 0..<60 {
            var texts: [String] = []
            while texts.count < 4 {
                let text = (0..<Int.random(in: 1...7, using: &random)).map { _ in pick(pieces) }.joined()
                if (try? CalicoSelector(parsing: text)) != nil { texts.append(text) }
            }
            var snapshot = PolicySnapshot(revision: 1)
            snapshot.upsert(.namespace(Namespace(name: "n", labels: ["team": pick(["x", "y"])])))
            var pods: [Pod] = []
            for index in 0..<6 {
                var labels: [String: String] = [:]
                if Bool.random(using: &random) { labels["a"] = pick(["x", "yy", "xy", "zzz", "q\(round)"]) }
                if Bool.random(using: &random) { labels["b"] = pick(["x", "y", "xq", "w\(round)"]) }
                let pod = Pod(
                    namespace: "n", name: "p\(index)", labels: labels, ips: [IPAddress(ipv4: 0x0A00_0000 | UInt32(index + 1))],
                    namedPorts: [])
                pods.append(pod)
                snapshot.upsert(.pod(pod))
            }
            func quoted(_ text: String) -> String { text.replacingQuotes() }
            let document = try JSONParser.parse(
                #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g"},"spec":{"selector":"\#(quoted(texts[0]))","ingress":[{"action":"Allow","source":{"selector":"\#(quoted(texts[1]))","notSelector":"\#(quoted(texts[2]))"}},{"action":"Deny","source":{"namespaceSelector":"\#(quoted(texts[3]))"}}]}}"#
            )
            snapshot.upsert(try ObjectDecoder.decode(document).model)
            let compiled = CompiledPolicySet(snapshot)
            for source in pods {
                for destination in pods {
                    for port in [80, nil] as [Int?] {
                        let question = DecisionRequest(
                            source: .pod(namespace: "n", name: source.name),
                            destination: .pod(namespace: "n", name: destination.name),
                            port: port)
                        let fast = try compiled.decide(question)
                        #expect(fast == (try compiled.referenceDecide(question)), "\(texts) \(question)")
                        checked += 1
                        if fast.ingress?.reason == .allowedByPolicy { matched += 1 }
                    }
                }
                let workload = DecisionRequest(
                    source: .workload(namespace: "n", labels: ["a": "unseen", "b": "x"], ip: nil),
                    destination: .pod(namespace: "n", name: pick(pods).name), port: 80)
                #expect(try compiled.decide(workload) == (try compiled.referenceDecide(workload)), "\(texts) workload")
            }
        }
        #expect(checked > 1000)
        #expect(matched > 50)
    }
}

extension String {
    /// The text inside a JSON string literal (selectors here hold single and double quotes, no backslashes).
    fileprivate func replacingQuotes() -> String {
        var result = ""
        for character in self {
            if character == "\"" { result += "\\\"" } else { result.append(character) }
        }
        return result
    }
}
