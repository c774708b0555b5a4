import Glibc
import PolicyStore

/// Timing, percentiles, memory and the printed rows, for every mode.
enum Measure {
    static func nanoseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1e9 + Double(duration.components.attoseconds) / 1e9
    }

    /// The `p` quantile (0...1) of sorted `values`; 0 when there are none.
    static func percentile(_ values: [Double], _ p: Double) -> Double {
        values.isEmpty ? 0 : values[min(values.count - 1, Int(Double(values.count) * p))]
    }

    static func sleep(until instant: ContinuousClock.Instant) {
        let nanos = nanoseconds(ContinuousClock.now.duration(to: instant))
        if nanos > 0 {
            var spec = timespec(tv_sec: Int(nanos / 1e9), tv_nsec: Int(nanos.truncatingRemainder(dividingBy: 1e9)))
            nanosleep(&spec, nil)
        }
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
        guard let status = try? TextFiles.read("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }

    /// VmRSS from /proc/self/status: what this process has resident now.
    static func residentKilobytes() -> Int {
        guard let status = try? TextFiles.read("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
