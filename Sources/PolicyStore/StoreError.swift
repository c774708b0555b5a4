/// Why the store could not be opened or migrated.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
