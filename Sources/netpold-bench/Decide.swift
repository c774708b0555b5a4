import ArgumentParser
import Glibc
import MicroHTTP
import PolicyAPI
import PolicyCore
import PolicyStore

extension Bench {
    /// In-process decisions on a cluster and questions read from files, not generated: for the same
    /// cluster and the same questions as another engine (`bench/run.sh` compares with OPA this way).
    ///
    /// The bundle goes the way of `POST /v1/import?mode=replace` (``BundleReader``, then
    /// ``PolicyService/importBundle(_:mode:dryRun:options:)`` on an in-memory store); the questions
    /// are `/v1/decide` bodies read by ``DecisionCodec``. Decisions are timed one by one on one
    /// thread, as in `core`. The split of the questions is `bench_opa.py`'s: `[0, skip)` is the
    /// warm-up pool, `[skip, skip + count)` the measured set, decided `rounds` times in order.
    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a bundle file and a question file, and time in-process decisions on them.")

        @Option(help: "The cluster: a JSON List (or object) or a YAML stream, as /v1/import takes.")
        var bundle: String

        @Option(help: "The questions: a JSON array, or JSON lines, of /v1/decide request bodies.")
        var queries: String

        @Option(help: "Questions before the measured set: the warm-up pool.")
        var skip = 500

        @Option(help: "Warm-up decisions, from the warm-up pool.")
        var warmup = 500

        @Option(help: "Measured questions, from --skip on (all the rest when fewer).")
        var count = 2000

        @Option(help: "Times the measured questions are decided, in order.")
        var rounds = 3

        @Option(help: "Write the first round's answers here, a JSON array of booleans.")
        var answersOut: String?

        @Option(help: "The folder of the store's migrations.")
        var migrations = "migrations"

        func run() throws {
            let clock = ContinuousClock()
            let readStart = clock.now
            let bundleText = try TextFiles.read(bundle)
            let request = HTTPRequest(
                method: "POST", path: "/v1/import", headers: ["Content-Type": Self.contentType(of: bundle)],
                body: Array(bundleText.utf8))
            let decoded = try BundleReader.decode(try BundleReader.documents(from: request), defaultNamespace: nil)
            let readTime = Measure.nanoseconds(clock.now - readStart)

            let repository = try PolicyRepository(path: ":memory:", migrations: try Migration.load(from: migrations))
            let service = try PolicyService(repository: repository)
            let importStart = clock.now
            _ = try service.importBundle(
                decoded.objects, mode: .replace, dryRun: false,
                options: ImportOptions(createImpliedNamespaces: true, locations: decoded.locations))
            let importTime = Measure.nanoseconds(clock.now - importStart)
            let compiled = service.current

            let questions = try Self.questions(try TextFiles.read(queries), file: queries)
            guard !questions.isEmpty else { throw ValidationError("\(queries) holds no questions") }
            let measured = questions.count > skip ? Array(questions[skip..<min(questions.count, skip + count)]) : questions
            let pool = questions.count > skip ? Array(questions[..<skip]) : questions
            for index in 0..<warmup { _ = try? compiled.decide(pool[index % pool.count]) }

            var samples: [Double] = []
            samples.reserveCapacity(measured.count * rounds)
            var answers: [Bool] = []
            var allowed = 0
            let runStart = clock.now
            for round in 0..<rounds {
                for question in measured {
                    let start = clock.now
                    let decision = try compiled.decide(question)
                    samples.append(Measure.nanoseconds(clock.now - start))
                    if decision.allowed { allowed += 1 }
                    if round == 0 { answers.append(decision.allowed) }
                }
            }
            let runTime = Measure.nanoseconds(clock.now - runStart)
            if let answersOut {
                try Self.write(JSONWriter.string(.array(answers.map { .bool($0) })) + "\n", to: answersOut)
            }

            samples.sort()
            let row = Measure.row
            let format = Measure.format
            let percentile = Measure.percentile
            print(
                "netpold-bench decide: \(bundle): \(compiled.podCount) pods, \(compiled.policyCount) policies; \(queries): "
                    + "\(questions.count) questions, \(measured.count) measured x \(rounds) rounds"
            )
            print(row("read and validate the bundle", format(readTime / 1e6, "ms")))
            print(row("import (store and compile)", format(importTime / 1e6, "ms")))
            print(row("compile (full snapshot)", format(service.compileStatistics.lastSeconds * 1e3, "ms")))
            print(row("decisions per second (1 thread)", format(Double(samples.count) / (runTime / 1e9), "/s")))
            print(row("decision p50", format(percentile(samples, 0.50) / 1e3, "µs")))
            print(row("decision p99", format(percentile(samples, 0.99) / 1e3, "µs")))
            print(row("allowed share", format(Double(allowed) * 100 / Double(max(1, samples.count)), "%")))
            print(row("peak resident memory", format(Double(Measure.peakResidentKilobytes()) / 1024, "MiB")))
        }

        static func write(_ text: String, to path: String) throws {
            guard let file = fopen(path, "w") else { throw ValidationError("cannot write \(path)") }
            defer { fclose(file) }
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == bytes.count else { throw ValidationError("cannot write \(path)") }
        }

        /// What `/v1/import` would be told: by the file's extension, else sniffed from its first byte.
        static func contentType(of path: String) -> String {
            let name = path.lowercased()
            if name.hasSuffix(".json") { return "application/json" }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { return "application/yaml" }
            return "application/x-www-form-urlencoded"
        }

        /// `/v1/decide` bodies: a JSON array of them (as `netpol_index.py` writes), or one a line.
        static func questions(_ text: String, file: String) throws -> [DecisionRequest] {
            let trimmed = text.drop { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
            let values: [JSONValue]
            if trimmed.hasPrefix("[") {
                guard let array = try JSONParser.parse(String(trimmed)).arrayValue else {
                    throw ValidationError("\(file): expected a JSON array of decision requests")
                }
                values = array
            } else {
                values = try text.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }.map {
                    try JSONParser.parse(String($0))
                }
            }
            return try values.enumerated().map { position, value in
                try DecisionCodec.request(value, at: "[\(position)]")
            }
        }
    }
}
