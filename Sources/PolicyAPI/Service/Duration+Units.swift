/// A `Duration` in the units the APIs around it take (seconds for metrics, whole micro- or
/// nanoseconds for sleeps and semaphores), written once rather than at each call.
extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }

    /// Whole milliseconds, rounded down.
    var wholeMilliseconds: Int { Int(components.seconds) * 1_000 + Int(components.attoseconds / 1_000_000_000_000_000) }

    /// Whole microseconds, rounded down.
    var wholeMicroseconds: Int { Int(components.seconds) * 1_000_000 + Int(components.attoseconds / 1_000_000_000_000) }

    /// Whole nanoseconds, rounded down.
    var wholeNanoseconds: Int { Int(components.seconds) * 1_000_000_000 + Int(components.attoseconds / 1_000_000_000) }
}
