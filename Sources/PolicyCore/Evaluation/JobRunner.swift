/// Runs a number of independent jobs and returns when all are done: how PolicyCore, which imports
/// nothing, is given threads. The caller supplies the threads (PolicyAPI's ``JobRunner`` uses
/// Dispatch); the default runs the jobs one after another on the calling thread.
///
/// Jobs must not depend on each other or on the order they run in; each writes only its own part
/// of the result, so a compile or a batch gives the same answer whatever runs the jobs.
public struct JobRunner: Sendable {
    /// How many jobs can usefully run at once (1: sequential). Work is split only when above 1.
    public let width: Int
    private let body: @Sendable (Int, (Int) -> Void) -> Void

    /// - Parameter run: calls the given job once for each index in `0..<count`, on any threads, and
    ///   returns after the last one finished.
    public init(width: Int, run: @escaping @Sendable (_ count: Int, _ job: (Int) -> Void) -> Void) {
        self.width = max(1, width)
        self.body = run
    }

    /// Every job on the calling thread, in index order.
    public static let sequential = JobRunner(width: 1) { count, job in
        for index in 0..<count { job(index) }
    }

    /// Runs `job(0)` … `job(count - 1)` and returns when all have finished.
    public func run(_ count: Int, _ job: (Int) -> Void) {
        if count <= 0 { return }
        if width == 1 || count == 1 {
            for index in 0..<count { job(index) }
        } else {
            body(count, job)
        }
    }

    /// Splits `0..<count` into contiguous ranges, in order, a few per thread (so uneven ranges even
    /// out), and runs `job` on each; ranges are at least `minimum` long.
    public func forEachRange(_ count: Int, minimum: Int = 1, _ job: (Range<Int>) -> Void) {
        let parts = width == 1 ? 1 : min(width * 4, max(1, count / max(1, minimum)))
        if parts <= 1 {
            job(0..<count)
            return
        }
        run(parts) { part in job(count * part / parts..<count * (part + 1) / parts) }
    }
}
