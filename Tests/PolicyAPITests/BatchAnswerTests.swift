import PolicyCore
import SeededRandom
import Testing

@testable import PolicyAPI

/// A batch split across threads answers byte for byte like one decided in order, and like the
/// answers of its items written one by one.
@Suite struct BatchAnswerTests {
    /// Runs the jobs last first, as if spread over 4 threads.
    static let reversed = JobRunner(width: 4) { count, job in
        for index in (0..<count).reversed() { job(index) }
    }

    static func cluster() throws -> CompiledPolicySet {
        var snapshot = PolicySnapshot(revision: 7)
        for namespace in ["a", "b"] { snapshot.upsert(.namespace(Namespace(name: namespace, labels: ["team": namespace]))) }
        for index in 0..<60 {
            snapshot.upsert(
                .pod(
                    Pod(
                        namespace: index % 2 == 0 ? "a" : "b", name: "p\(index)",
                        labels: ["app": ["web", "db", "cache"][index % 3]],
                        ips: [IPAddress(ipv4: 0x0A00_0000 | UInt32(index + 1))],
                        namedPorts: [Pod.NamedPort(name: "http", port: 8080, protocol: .tcp)])))
        }
        for document in [
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db","namespace":"a"},"spec":{"podSelector":{"matchLabels":{"app":"db"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":"http"}]}]}}"#,
            #"{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"out","namespace":"b"},"spec":{"podSelector":{},"policyTypes":["Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}]}}"#,
            #"{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"g"},"spec":{"order":10,"selector":"app == 'web'","egress":[{"action":"Deny","destination":{"selector":"app == 'cache'"}}]}}"#,
        ] {
            snapshot.upsert(try ObjectDecoder.decode(try JSONParser.parse(document)).model)
        }
        return CompiledPolicySet(snapshot)
    }

    static func questions(_ count: Int, seed: UInt64) -> [DecisionRequest] {
        var random = SplitMix64(state: seed)
        func endpoint() -> Endpoint {
            switch Int.random(in: 0..<5, using: &random) {
            case 0: return .address(IPAddress(ipv4: 0x0A00_0000 | UInt32(Int.random(in: 1...80, using: &random))))
            case 1: return .address(IPAddress("8.8.8.8")!)
            default:
                let index = Int.random(in: 0..<60, using: &random)
                return .pod(namespace: index % 2 == 0 ? "a" : "b", name: "p\(index)")
            }
        }
        return (0..<count).map { _ in
            DecisionRequest(
                source: endpoint(), destination: endpoint(), port: [80, 8080, 53, nil][Int.random(in: 0..<4, using: &random)],
                protocol: Int.random(in: 0..<5, using: &random) == 0 ? .udp : .tcp)
        }
    }

    @Test(arguments: [1, 255, 256, 1000, 1001])
    func aParallelBatchAnswersLikeASequentialOne(count: Int) throws {
        let compiled = try Self.cluster()
        let questions = Self.questions(count, seed: UInt64(count))
        let sequential = try BatchAnswer.answer(questions, on: compiled)
        var expected = Array(#"{"results":["#.utf8)
        for (position, question) in questions.enumerated() {
            if position > 0 { expected.append(UInt8(ascii: ",")) }
            expected += DecisionWriter.bytes(try compiled.decide(question))
        }
        expected += Array(#"],"revision":7}"#.utf8)
        #expect(sequential.body == expected)
        for jobs in [Self.reversed, JobRunner.cores] {
            let parallel = try BatchAnswer.answer(questions, on: compiled, jobs: jobs)
            #expect(parallel.body == sequential.body)
            #expect(parallel.allowed == sequential.allowed)
        }
    }

    @Test func theFirstFailingItemIsReportedWhicheverPartHoldsIt() throws {
        let compiled = try Self.cluster()
        var questions = Self.questions(1000, seed: 3)
        let missing = DecisionRequest(
            source: .pod(namespace: "a", name: "gone"), destination: .address(IPAddress("8.8.8.8")!), port: 80)
        questions[900] = missing
        questions[700] = missing
        for jobs in [JobRunner.sequential, Self.reversed, JobRunner.cores] {
            var position: Int?
            do {
                _ = try BatchAnswer.answer(questions, on: compiled, jobs: jobs)
            } catch {
                position = error.position
            }
            #expect(position == 700)
        }
    }
}
