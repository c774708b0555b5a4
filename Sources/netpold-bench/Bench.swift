import Glibc
import PolicyCore

/// `swift run -c release netpold-bench [--namespaces N] [--pods N] [--policies N] [--decisions N]`
/// builds a synthetic cluster in process and prints compile time, single-thread decision rate,
/// p50/p99 latency and peak memory.
@main
enum Bench {
    static func main() throws {
        var namespaces = 10
        var pods = 100
        var policies = 100
        var decisions = 200_000
        var arguments = CommandLine.arguments.dropFirst().makeIterator()
        while let flag = arguments.next() {
            guard let value = arguments.next().flatMap(Int.init) else {
                print("usage: netpold-bench [--namespaces N] [--pods N (per namespace)] [--policies N (total)] [--decisions N]")
                exit(2)
            }
            switch flag {
            case "--namespaces": namespaces = value
            case "--pods": pods = value
            case "--policies": policies = value
            case "--decisions": decisions = value
            default:
                print("unknown flag \(flag)")
                exit(2)
            }
        }
        let cluster = SyntheticCluster(namespaces: namespaces, podsPerNamespace: pods, policies: policies)
        let generated = try cluster.snapshot()
        let questions = cluster.questions(count: min(decisions, 100_000))

        let clock = ContinuousClock()
        let compileStart = clock.now
        let compiled = CompiledPolicySet(generated)
        let compileTime = clock.now - compileStart

        // Warm up, then time each decision on one thread.
        var allowed = 0
        for question in questions.prefix(2_000) where (try? compiled.decide(question))?.allowed == true { allowed += 1 }
        var samples: [Double] = []
        samples.reserveCapacity(decisions)
        allowed = 0
        let runStart = clock.now
        for index in 0..<decisions {
            let question = questions[index % questions.count]
            let start = clock.now
            let decision = try compiled.decide(question)
            samples.append(nanoseconds(clock.now - start))
            if decision.allowed { allowed += 1 }
        }
        let runTime = nanoseconds(clock.now - runStart)
        samples.sort()
        func percentile(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }

        print("netpold-bench: \(namespaces) namespaces x \(pods) pods = \(compiled.podCount) pods, \(compiled.policyCount) policies")
        print(row("compile (full snapshot)", format(nanoseconds(compileTime) / 1e6, "ms")))
        print(row("decisions per second (1 thread)", format(Double(decisions) / (runTime / 1e9), "/s")))
        print(row("decision p50", format(percentile(0.50) / 1e3, "µs")))
        print(row("decision p99", format(percentile(0.99) / 1e3, "µs")))
        print(row("allowed share", format(Double(allowed) * 100 / Double(decisions), "%")))
        print(row("peak resident memory", format(Double(peakResidentKilobytes()) / 1024, "MiB")))
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }

    static func row(_ name: String, _ value: String) -> String {
        name + String(repeating: " ", count: max(1, 34 - name.count)) + value
    }

    static func format(_ value: Double, _ unit: String) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled) \(unit)"
    }

    /// VmHWM from /proc/self/status: the most memory this process has had resident.
    static func peakResidentKilobytes() -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("VmHWM:") {
                return Int(text.split(separator: " ").dropFirst().first ?? "0") ?? 0
            }
        }
        return 0
    }
}
