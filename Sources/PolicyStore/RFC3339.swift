import Glibc

/// UTC timestamps in RFC 3339: the one formatter, for `created_at` and `applied_at` (to the second)
/// and for log and audit lines (to the millisecond). Kept here, not in PolicyCore: PolicyCore has no clock.
public enum RFC3339 {
    /// The current time to the second, e.g. `2024-05-01T12:00:00Z`.
    public static func now() -> String {
        format(currentTime(), milliseconds: false)
    }

    /// The current time to the millisecond, e.g. `2024-05-01T12:00:00.042Z`.
    public static func nowWithMilliseconds() -> String {
        format(currentTime(), milliseconds: true)
    }

    private static func currentTime() -> timespec {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return spec
    }

    private static func format(_ time: timespec, milliseconds: Bool) -> String {
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = milliseconds ? "." + pad(Int32(time.tv_nsec / 1_000_000), 3) : ""
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))\(fraction)Z"
    }
}
