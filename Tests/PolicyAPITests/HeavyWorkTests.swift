import Foundation
import Glibc
import MicroHTTP
import PolicyAPI
import Synchronization
import Testing

@Suite struct HeavyWorkTests {
    final class Flags: Sendable {
        let holding = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)

        /// Takes the gate's only place on a thread of its own (blocking a cooperative-pool thread
        /// could starve the other tests) and holds it until `release` is set.
        static func holding(_ gate: HeavyWorkGate) -> Flags {
            let flags = Flags()
            let holder = Thread {
                _ = try? gate.run {
                    flags.holding.store(true, ordering: .relaxed)
                    while !flags.release.load(ordering: .relaxed) { usleep(1_000) }
                }
                flags.finished.store(true, ordering: .relaxed)
            }
            holder.start()
            while !flags.holding.load(ordering: .relaxed) { usleep(1_000) }
            return flags
        }
    }

    @Test func connectivityAnswersWaitInTheSameLineAsImports() throws {
        let gate = HeavyWorkGate(limit: 1, timeout: .milliseconds(50))
        let api = try APIHarness(options: RouterOptions(heavyWork: gate))
        let flags = Flags.holding(gate)
        let busy = api.send("GET", "/v1/connectivity?groupBy=namespace")
        #expect(busy.status == 429)
        #expect(busy.text.contains("connectivity"))
        // Health and a reachability answer (one pod's) do not queue.
        #expect(api.send("GET", "/healthz").status == 200)
        #expect(api.send("GET", "/v1/reachability?to=x/nobody").status == 404)
        flags.release.store(true, ordering: .relaxed)
        while !flags.finished.load(ordering: .relaxed) { usleep(1_000) }
        #expect(api.send("GET", "/v1/connectivity?groupBy=namespace").status == 200)
    }

    @Test func requestsBeyondTheLimitWaitInLineThenAreToldToRetry() throws {
        let gate = HeavyWorkGate(limit: 1, timeout: .milliseconds(50))
        let flags = Flags.holding(gate)
        do {
            try gate.run {}
            Issue.record("admitted while the only place was taken")
        } catch let error as APIError {
            #expect(error.code == 429)
            #expect(error.reason == "TooManyRequests")
            #expect(error.response.header("Retry-After") != nil)
        }
        flags.release.store(true, ordering: .relaxed)
        while !flags.finished.load(ordering: .relaxed) { usleep(1_000) }
        #expect(try gate.run { 7 } == 7)
        #expect(gate.load == (running: 0, waiting: 0))
    }

    @Test(arguments: [
        ("POST", "/v1/decide", 100, HTTPLane.inline),
        ("POST", "/v1/decide/batch", 100, .inline),
        ("POST", "/v1/decide/batch", 1 << 20, .background),
        ("GET", "/healthz", 0, .inline),
        ("GET", "/api/v1/namespaces/x/pods/a", 0, .inline),
        ("GET", "/api/v1/pods", 0, .background),
        ("GET", "/v1/export", 0, .background),
        ("POST", "/v1/import", 100, .background),
        ("PUT", "/api/v1/namespaces/x", 100, .background),
        ("DELETE", "/api/v1/namespaces/x", 0, .background),
    ])
    func decisionsStayOnTheEventLoopAndBlockingWorkLeavesIt(method: String, path: String, bodySize: Int, lane: HTTPLane) {
        let request = HTTPRequest(method: method, path: path, body: [UInt8](repeating: 0x20, count: bodySize))
        #expect(Router.lane(for: request) == lane)
    }
}
