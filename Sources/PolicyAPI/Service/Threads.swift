import Dispatch
import Glibc
public import PolicyCore

extension JobRunner {
    /// Jobs across every online core, on Dispatch's pool (`concurrentPerform` returns when all are
    /// done); with one core, the jobs run in order on the calling thread.
    public static let cores: JobRunner = {
        let width = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        return JobRunner(width: width) { count, job in
            withoutActuallyEscaping(job) { job in
                // The jobs write disjoint parts of their result (JobRunner's contract), and
                // concurrentPerform returns only after the last: the closure never outlives this call.
                let shared = SharedJob(job: job)
                DispatchQueue.concurrentPerform(iterations: count) { index in shared.job(index) }
            }
        }
    }()
}

private struct SharedJob: @unchecked Sendable {
    let job: (Int) -> Void
}
