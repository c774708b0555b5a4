import PolicyCore

/// The answer to a decision batch: every item decided on one compiled set and written into one
/// buffer. A large batch is split into contiguous parts decided on `jobs`' threads, each part
/// written into its own buffer, and the buffers joined in order: the bytes are the same either way.
enum BatchAnswer {
    /// Batches smaller than this are decided on the calling thread (a thread hand-off costs more).
    static let parallelThreshold = 256

    /// The `{"results":[...],"revision":R}` body and how many items were allowed.
    /// - Parameter record: called with each item's question and decision in item order; when given,
    ///   the batch is decided on the calling thread so the lines keep that order.
    /// - Throws: ``BatchItemError`` for the first item (by position) that cannot be decided.
    static func answer(
        _ questions: [DecisionRequest], on compiled: CompiledPolicySet, staged: CompiledPolicySet? = nil,
        jobs: JobRunner = .sequential, record: ((DecisionRequest, Decision) -> Void)? = nil
    ) throws(BatchItemError) -> (body: [UInt8], allowed: Int) {
        let parts =
            record == nil && questions.count >= parallelThreshold
            ? min(jobs.width, questions.count / (parallelThreshold / 2)) : 1
        var out: [UInt8] = []
        out.reserveCapacity(64 + questions.count * 160)
        out.append(contentsOf: #"{"results":["#.utf8)
        var allowed = 0
        if parts <= 1 {
            let part = decide(questions, 0..<questions.count, compiled, staged, record: record, into: &out)
            if let failure = part.failure { throw failure }
            allowed = part.allowed
        } else {
            var results = [Part?](repeating: nil, count: parts)
            results.withUnsafeMutableBufferPointer { results in
                jobs.run(parts) { part in
                    let range = questions.count * part / parts..<questions.count * (part + 1) / parts
                    var buffer: [UInt8] = []
                    buffer.reserveCapacity(range.count * 160)
                    var result = decide(questions, range, compiled, staged, record: nil, into: &buffer)
                    result.bytes = buffer
                    results[part] = result
                }
            }
            for (index, part) in results.enumerated() {
                guard let part else { continue }
                // Parts are in item order: the first failing part holds the first failing item.
                if let failure = part.failure { throw failure }
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: part.bytes)
                allowed += part.allowed
            }
        }
        out.append(contentsOf: #"],"revision":"#.utf8)
        out.append(contentsOf: String(compiled.revision).utf8)
        out.append(UInt8(ascii: "}"))
        return (out, allowed)
    }

    private struct Part {
        var bytes: [UInt8] = []
        var allowed = 0
        var failure: BatchItemError?
    }

    /// Decides `range` in order, appending the answers comma-separated; stops at the first failure.
    private static func decide(
        _ questions: [DecisionRequest], _ range: Range<Int>, _ compiled: CompiledPolicySet, _ staged: CompiledPolicySet?,
        record: ((DecisionRequest, Decision) -> Void)?, into out: inout [UInt8]
    ) -> Part {
        var part = Part()
        for position in range {
            let question = questions[position]
            let decision: Decision
            var stagedDecision: Decision?
            do {
                decision = try compiled.decide(question)
                stagedDecision = try staged?.decide(question)
            } catch {
                part.failure = BatchItemError(position: position, error: error)
                return part
            }
            if position > range.lowerBound { out.append(UInt8(ascii: ",")) }
            if decision.allowed { part.allowed += 1 }
            record?(question, decision)
            DecisionWriter.write(decision, staged: stagedDecision, into: &out)
        }
        return part
    }
}

/// An item of a decision batch that could not be decided, and its position in `items`.
struct BatchItemError: Error {
    let position: Int
    let error: DecisionError
}
