import PolicyCore
import SeededRandom
import Testing

/// A full compile gives the same set whatever runs its jobs, and in whatever order they run.
@Suite struct ParallelCompileTests {
    /// Runs the jobs last first, as if spread over 3 threads: a compile must not depend on the order.
    static let reversed = JobRunner(width: 3) { count, job in
        for index in (0..<count).reversed() { job(index) }
    }

    @Test(arguments: [11, 12, 13, 14])
    func parallelCompileAnswersLikeASequentialOne(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        var snapshot = PolicySnapshot(revision: 0)
        snapshot.upsert(.namespace(Namespace(name: "a", labels: ["team": "x"])))
        snapshot.upsert(.namespace(Namespace(name: "b", labels: ["team": "y"])))
        for step in 1...40 {
            switch try IncrementalCompileTests.randomChange(&random, step: step) {
            case .upsert(let model): snapshot.upsert(model)
            case .remove(let key): snapshot.remove(key)
            }
        }
        // Enough pods that the pod and table steps are split into several jobs.
        for index in 0..<700 {
            let namespace = ["a", "b", "c"][index % 3]
            snapshot.upsert(
                .pod(
                    Pod(
                        namespace: namespace, name: "bulk-\(index)",
                        labels: [
                            "app": IncrementalCompileTests.apps[Int.random(in: 0..<3, using: &random)],
                            "v": "\(Int.random(in: 0..<4, using: &random))",
                        ],
                        ips: [IPAddress(ipv4: 0x0A01_0000 | UInt32(index))],
                        namedPorts: [Pod.NamedPort(name: "http", port: 8080, protocol: .tcp)])))
        }
        let sequential = CompiledPolicySet(snapshot)
        let parallel = CompiledPolicySet(snapshot, jobs: Self.reversed)
        #expect(parallel.podCount == sequential.podCount)
        #expect(parallel.policyCount == sequential.policyCount)
        // The answers among a sample of pods (every pair of 700 pods would take too long).
        var sample = PolicySnapshot(revision: 0)
        for (key, pod) in snapshot.pods where !key.name.hasPrefix("bulk-") || key.name.hasSuffix("7") {
            sample.upsert(.pod(pod))
        }
        #expect(
            IncrementalCompileTests.answers(parallel, sample) == IncrementalCompileTests.answers(sequential, sample),
            "seed \(seed)")
    }
}
