/// Where the audit trail of decisions goes: one JSON line per decision (`--decision-log FILE`).
/// The executable provides the file; the API only formats lines.
public protocol DecisionRecorder: Sendable {
    /// Records one line (without the newline).
    func record(_ line: [UInt8])
}
