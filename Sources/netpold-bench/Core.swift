import ArgumentParser
import PolicyAPI
import PolicyCore
import SeededRandom

extension Bench {
    /// The evaluator in process: compile time, decision rate and latency, incremental updates, memory.
    struct Core: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compile the synthetic cluster in process and time decisions and incremental updates.")

        @OptionGroup var size: ClusterSize

        @Option(help: "Decisions to time (on one thread).")
        var decisions = 200_000

        @Flag(inversion: .prefixedNo, help: "Compile on every core (--no-parallel: on one thread).")
        var parallel = true

        func run() throws {
            let cluster = size.cluster
            var generated = try cluster.snapshot()
            let questions = cluster.questions(count: min(decisions, 100_000))
            let clock = ContinuousClock()
            let compileStart = clock.now
            let compiled = CompiledPolicySet(generated, jobs: parallel ? .cores : .sequential)
            let compileTime = Measure.nanoseconds(clock.now - compileStart)

            for question in questions.prefix(2_000) { _ = try? compiled.decide(question) }
            var samples: [Double] = []
            samples.reserveCapacity(decisions)
            var allowed = 0
            let runStart = clock.now
            for index in 0..<decisions {
                let question = questions[index % questions.count]
                let start = clock.now
                let decision = try compiled.decide(question)
                samples.append(Measure.nanoseconds(clock.now - start))
                if decision.allowed { allowed += 1 }
            }
            let runTime = Measure.nanoseconds(clock.now - runStart)

            // Incremental updates: relabel a pod, replace a policy (what a write does after its SQLite commit).
            var current = compiled
            var podSamples: [Double] = []
            var random = SplitMix64(state: 7)
            for step in 0..<200 {
                let namespace = "ns-\(Int.random(in: 0..<cluster.namespaces, using: &random))"
                let key = ObjectKey(
                    kind: .pod, namespace: namespace, name: "pod-\(Int.random(in: 0..<cluster.podsPerNamespace, using: &random))")
                guard var pod = generated.pods[key] else { continue }
                pod.labels["app"] = SyntheticCluster.apps[step % SyntheticCluster.apps.count]
                generated.upsert(.pod(pod))
                let start = clock.now
                current = current.applying([.upsert(.pod(pod))], revision: current.revision + 1, snapshot: generated)
                podSamples.append(Measure.nanoseconds(clock.now - start))
            }
            var policySamples: [Double] = []
            let policyKeys =
                generated.networkPolicies.keys.sorted().prefix(50) + generated.calicoPolicies.keys.sorted().prefix(20)
            for key in policyKeys {
                let model: DecodedObject.Model
                if var policy = generated.networkPolicies[key] {
                    policy.podSelector = LabelSelector(matchLabels: [
                        "app": SyntheticCluster.apps[Int.random(in: 0..<40, using: &random)]
                    ])
                    model = .networkPolicy(policy)
                } else if var policy = generated.calicoPolicies[key] {
                    policy.selector = .equals("app", SyntheticCluster.apps[Int.random(in: 0..<40, using: &random)])
                    model = .calicoPolicy(policy)
                } else {
                    continue
                }
                generated.upsert(model)
                let start = clock.now
                current = current.applying([.upsert(model)], revision: current.revision + 1, snapshot: generated)
                policySamples.append(Measure.nanoseconds(clock.now - start))
            }

            samples.sort()
            podSamples.sort()
            policySamples.sort()
            let row = Measure.row
            let format = Measure.format
            let percentile = Measure.percentile
            print(
                "netpold-bench core: \(cluster.namespaces) namespaces x \(cluster.podsPerNamespace) pods = \(compiled.podCount) pods, \(compiled.policyCount) policies"
            )
            print(row("compile (full snapshot)", format(compileTime / 1e6, "ms")))
            print(row("decisions per second (1 thread)", format(Double(decisions) / (runTime / 1e9), "/s")))
            print(row("decision p50", format(percentile(samples, 0.50) / 1e3, "µs")))
            print(row("decision p99", format(percentile(samples, 0.99) / 1e3, "µs")))
            print(row("allowed share", format(Double(allowed) * 100 / Double(decisions), "%")))
            print(row("pod relabel, incremental p50", format(percentile(podSamples, 0.5) / 1e6, "ms")))
            print(row("policy replace, incremental p50", format(percentile(policySamples, 0.5) / 1e6, "ms")))
            print(row("peak resident memory", format(Double(Measure.peakResidentKilobytes()) / 1024, "MiB")))
        }
    }
}
