import Glibc

/// UTC timestamps as stored in `created_at` and `applied_at` (kept here: PolicyCore has no clock).
enum RFC3339 {
    /// The current time to the second, e.g. `2024-05-01T12:00:00Z`.
    static func now() -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
