/// Port numbers, 1–65535: the one range check and the one wording of a port out of range, for
/// every reader of ports (objects, decision requests, the evaluator).
public enum PortNumber {
    /// The valid port numbers.
    public static let range: ClosedRange<Int> = 1...65535

    /// True when `number` is a port number.
    @inlinable
    public static func isValid(_ number: some BinaryInteger) -> Bool {
        number >= range.lowerBound && number <= range.upperBound
    }

    /// Why a number is not a port, after the value as the caller shows it (`0`, or `"0"` for text):
    /// `0: must be between 1 and 65535, inclusive`, as the Kubernetes API server words it.
    public static func outOfRangeMessage(_ shown: String) -> String {
        "\(shown): must be between 1 and 65535, inclusive"
    }
}
