extension StringProtocol {
    /// The text without the whitespace at either end: spaces, tabs and line breaks (`\r\n` included),
    /// as `Character.isWhitespace` says. The one trim, for tokens read from files and header values.
    public func trimmingWhitespace() -> SubSequence {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<end]
    }
}
