import Glibc
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore
import Logging

/// Benchmarks for netpold. Modes:
///
/// - `core [--namespaces N] [--pods N] [--policies N] [--decisions N]` (default): builds the synthetic
///   cluster in process and prints compile time, one-thread decision rate, p50/p99, incremental
///   update times and peak memory.
/// - `generate --format yaml|json [sizes]`: prints the synthetic cluster as an import bundle.
/// - `requests --count N [sizes]`: prints decision requests (JSON lines) for load generators.
/// - `writes --server URL --rate R --seconds S [--kind pod|policy]`: relabels pods (or replaces a
///   policy) at a fixed rate through the API and prints write latency (until decisions see it).
@main
enum Bench {
    struct Options {
        var mode = "core"
        var namespaces = 10
        var pods = 100
        var policies = 100
        var decisions = 200_000
        var format = "json"
        var count = 1000
        var server = "http://127.0.0.1:8080"
        var rate = 500
        var seconds = 10
        var kind = "pod"
    }

    static func main() throws {
        var options = Options()
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first, !first.hasPrefix("--") { options.mode = arguments.removeFirst() }
        var iterator = arguments.makeIterator()
        while let flag = iterator.next() {
            guard let value = iterator.next() else { usage() }
            switch flag {
            case "--namespaces": options.namespaces = number(value)
            case "--pods": options.pods = number(value)
            case "--policies": options.policies = number(value)
            case "--decisions": options.decisions = number(value)
            case "--format": options.format = value
            case "--count": options.count = number(value)
            case "--server": options.server = value
            case "--rate": options.rate = number(value)
            case "--seconds": options.seconds = number(value)
            case "--kind": options.kind = value
            default: usage()
            }
        }
        let cluster = SyntheticCluster(namespaces: options.namespaces, podsPerNamespace: options.pods, policies: options.policies)
        switch options.mode {
        case "core": try core(cluster, decisions: options.decisions)
        case "generate": try generate(cluster, format: options.format)
        case "requests": requests(cluster, count: options.count)
        case "writes": try writes(cluster, options: options)
        case "router": try router(cluster, decisions: options.decisions)
        default: usage()
        }
    }

    static func number(_ text: String) -> Int {
        guard let value = Int(text) else { usage() }
        return value
    }

    static func usage() -> Never {
        print("usage: netpold-bench [core|generate|requests|writes] [--namespaces N] [--pods N (per namespace)] [--policies N] [--decisions N] [--format yaml|json] [--count N] [--server URL] [--rate R] [--seconds S] [--kind pod|policy]")
        exit(2)
    }

    static func core(_ cluster: SyntheticCluster, decisions: Int) throws {
        var generated = try cluster.snapshot()
        let questions = cluster.questions(count: min(decisions, 100_000))
        let clock = ContinuousClock()
        let compileStart = clock.now
        let compiled = CompiledPolicySet(generated)
        let compileTime = nanoseconds(clock.now - compileStart)

        for question in questions.prefix(2_000) { _ = try? compiled.decide(question) }
        var samples: [Double] = []
        samples.reserveCapacity(decisions)
        var allowed = 0
        let runStart = clock.now
        for index in 0..<decisions {
            let question = questions[index % questions.count]
            let start = clock.now
            let decision = try compiled.decide(question)
            samples.append(nanoseconds(clock.now - start))
            if decision.allowed { allowed += 1 }
        }
        let runTime = nanoseconds(clock.now - runStart)

        // Incremental updates: relabel a pod, replace a policy (what a write does after its SQLite commit).
        var current = compiled
        var podSamples: [Double] = []
        var random = SplitMix64(state: 7)
        for step in 0..<200 {
            let namespace = "ns-\(Int.random(in: 0..<cluster.namespaces, using: &random))"
            let key = ObjectKey(kind: .pod, namespace: namespace, name: "pod-\(Int.random(in: 0..<cluster.podsPerNamespace, using: &random))")
            guard var pod = generated.pods[key] else { continue }
            pod.labels["app"] = SyntheticCluster.apps[step % SyntheticCluster.apps.count]
            generated.upsert(.pod(pod))
            let start = clock.now
            current = current.applying([.upsert(.pod(pod))], revision: current.revision + 1, snapshot: generated)
            podSamples.append(nanoseconds(clock.now - start))
        }
        var policySamples: [Double] = []
        let policyKeys = generated.networkPolicies.keys.sorted().prefix(50) + generated.calicoPolicies.keys.sorted().prefix(20)
        for key in policyKeys {
            let model: DecodedObject.Model
            if var policy = generated.networkPolicies[key] {
                policy.podSelector = LabelSelector(matchLabels: ["app": SyntheticCluster.apps[Int.random(in: 0..<40, using: &random)]])
                model = .networkPolicy(policy)
            } else if var policy = generated.calicoPolicies[key] {
                policy.selector = .equals("app", SyntheticCluster.apps[Int.random(in: 0..<40, using: &random)])
                model = .calicoPolicy(policy)
            } else { continue }
            generated.upsert(model)
            let start = clock.now
            current = current.applying([.upsert(model)], revision: current.revision + 1, snapshot: generated)
            policySamples.append(nanoseconds(clock.now - start))
        }

        samples.sort()
        podSamples.sort()
        policySamples.sort()
        func percentile(_ values: [Double], _ p: Double) -> Double { values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))] }
        print("netpold-bench core: \(cluster.namespaces) namespaces x \(cluster.podsPerNamespace) pods = \(compiled.podCount) pods, \(compiled.policyCount) policies")
        print(row("compile (full snapshot)", format(compileTime / 1e6, "ms")))
        print(row("decisions per second (1 thread)", format(Double(decisions) / (runTime / 1e9), "/s")))
        print(row("decision p50", format(percentile(samples, 0.50) / 1e3, "µs")))
        print(row("decision p99", format(percentile(samples, 0.99) / 1e3, "µs")))
        print(row("allowed share", format(Double(allowed) * 100 / Double(decisions), "%")))
        print(row("pod relabel, incremental p50", format(percentile(podSamples, 0.5) / 1e6, "ms")))
        print(row("policy replace, incremental p50", format(percentile(policySamples, 0.5) / 1e6, "ms")))
        print(row("peak resident memory", format(Double(peakResidentKilobytes()) / 1024, "MiB")))
    }

    /// Time `Router.handle` for decision requests, with no socket: the Swift cost of one HTTP decision.
    static func router(_ cluster: SyntheticCluster, decisions: Int) throws {
        let repository = try PolicyRepository(path: ":memory:", migrations: try Migration.load(from: "migrations"))
        let service = try PolicyService(repository: repository)
        let objects = try cluster.documents().map { try ObjectDecoder.decode($0) }
        _ = try service.importBundle(objects, mode: .replace, dryRun: false)
        var quiet = Logger(label: "bench")
        quiet.logLevel = .warning
        let router = Router(service: service, version: "bench", logger: quiet)
        var bodies: [[UInt8]] = []
        let lines = requestLines(cluster, count: 1000)
        for line in lines { bodies.append(Array(line.utf8)) }
        let clock = ContinuousClock()
        var samples: [Double] = []
        for index in 0..<decisions {
            let request = HTTPRequest(
                method: "POST", path: "/v1/decide", headers: ["Content-Type": "application/json", "Host": "x", "User-Agent": "wrk"],
                body: bodies[index % bodies.count])
            let start = clock.now
            let response = router.handle(request)
            samples.append(nanoseconds(clock.now - start))
            if response.status != 200 { print("status \(response.status): \(response.bodyText)"); exit(1) }
        }
        samples.sort()
        print(row("Router.handle(/v1/decide) p50", format(samples[samples.count / 2] / 1e3, "µs")))
        print(row("Router.handle(/v1/decide) p99", format(samples[samples.count * 99 / 100] / 1e3, "µs")))
    }

    static func requestLines(_ cluster: SyntheticCluster, count: Int) -> [String] {
        var lines: [String] = []
        for question in cluster.questions(count: count) {
            func endpoint(_ endpoint: Endpoint) -> JSONValue {
                switch endpoint {
                case .pod(let namespace, let name): return .object(["namespace": .string(namespace), "pod": .string(name)])
                case .address(let address): return .object(["ip": .string(address.description)])
                case .workload(let namespace, let labels, _): return .object(["namespace": .string(namespace), "labels": .stringMap(labels)])
                }
            }
            var body: [String: JSONValue] = [
                "source": endpoint(question.source), "destination": endpoint(question.destination),
                "protocol": .string(question.protocol.rawValue),
            ]
            if let port = question.port { body["port"] = .integer(Int64(port)) }
            lines.append(JSONWriter.string(.object(body)))
        }
        return lines
    }

    static func generate(_ cluster: SyntheticCluster, format: String) throws {
        let documents = cluster.documents()
        let text: String
        if format == "yaml" {
            text = try YAMLCodec.serialize(documents)
        } else {
            text = JSONWriter.string(.object(["apiVersion": "v1", "kind": "List", "items": .array(documents)]))
        }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, stdoutStream()) }
    }

    static func stdoutStream() -> UnsafeMutablePointer<FILE> { fdopen(STDOUT_FILENO, "w") }

    static func requests(_ cluster: SyntheticCluster, count: Int) {
        print(requestLines(cluster, count: count).joined(separator: "\n"))
    }

    /// Writes at a fixed rate and reports latency: a write returns only once decisions can see it.
    static func writes(_ cluster: SyntheticCluster, options: Options) throws {
        let clock = ContinuousClock()
        let interval = Duration.nanoseconds(1_000_000_000 / max(1, options.rate))
        let end = clock.now + .seconds(options.seconds)
        var next = clock.now
        var samples: [Double] = []
        var failures = 0
        var random = SplitMix64(state: 99)
        var step = 0
        while clock.now < end {
            step += 1
            let namespace = "ns-\(Int.random(in: 0..<cluster.namespaces, using: &random))"
            let app = SyntheticCluster.apps[step % SyntheticCluster.apps.count]
            let path: String
            let body: String
            if options.kind == "policy" {
                let name = "bench-policy-\(step % 20)"
                path = "/apis/networking.k8s.io/v1/namespaces/\(namespace)/networkpolicies/\(name)"
                body = #"{"metadata":{"name":"\#(name)"},"spec":{"podSelector":{"matchLabels":{"app":"\#(app)"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"tier":"web"}}}],"ports":[{"port":8080}]}]}}"#
            } else {
                let pod = Int.random(in: 0..<cluster.podsPerNamespace, using: &random)
                let index = Int(namespace.dropFirst(3))! * cluster.podsPerNamespace + pod
                path = "/api/v1/namespaces/\(namespace)/pods/pod-\(pod)"
                body = #"{"metadata":{"name":"pod-\#(pod)","labels":{"app":"\#(app)","tier":"web","version":"v\#(step % 3)"}},"spec":{"containers":[{"name":"main","image":"registry.example/app:1","ports":[{"name":"http","containerPort":8080}]}]},"status":{"podIP":"\#(SyntheticCluster.podAddress(index))"}}"#
            }
            let start = clock.now
            let response = try HTTPClient.send(
                method: "PUT", url: options.server + path, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
            samples.append(nanoseconds(clock.now - start))
            if !(200..<300).contains(response.status) { failures += 1 }
            next = next + interval
            let now = clock.now
            if next > now { try? sleepUntil(next) } else { next = now }
        }
        samples.sort()
        func percentile(_ p: Double) -> Double { samples.isEmpty ? 0 : samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        let achieved = Double(samples.count) / Double(options.seconds)
        print("writes kind=\(options.kind) count=\(samples.count) rate=\(format(achieved, "/s")) failures=\(failures) p50=\(format(percentile(0.5) / 1e6, "ms")) p99=\(format(percentile(0.99) / 1e6, "ms"))")
    }

    static func sleepUntil(_ instant: ContinuousClock.Instant) throws {
        let remaining = ContinuousClock.now.duration(to: instant)
        let nanos = nanoseconds(remaining)
        if nanos > 0 {
            var spec = timespec(tv_sec: Int(nanos / 1e9), tv_nsec: Int(nanos.truncatingRemainder(dividingBy: 1e9)))
            nanosleep(&spec, nil)
        }
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
