/// A set of ports as sorted, disjoint, non-adjacent inclusive ranges.
public struct PortSet: Sendable, Hashable, CustomStringConvertible {
    public private(set) var ranges: [ClosedRange<Int>]

    public static let all = PortSet(ranges: [PortNumber.range])
    public static let empty = PortSet(ranges: [])

    public init(ranges: [ClosedRange<Int>]) {
        self.ranges = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = self.ranges.last, range.lowerBound <= last.upperBound + 1 {
                self.ranges[self.ranges.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
            } else {
                self.ranges.append(range)
            }
        }
    }

    public init(_ port: Int) { self.init(ranges: [port...port]) }

    public var isEmpty: Bool { ranges.isEmpty }
    public var isAll: Bool { self == .all }

    public func contains(_ port: Int) -> Bool {
        ranges.contains { $0.contains(port) }
    }

    public func union(_ other: PortSet) -> PortSet { PortSet(ranges: ranges + other.ranges) }

    public func intersection(_ other: PortSet) -> PortSet {
        var result: [ClosedRange<Int>] = []
        var i = 0
        var j = 0
        while i < ranges.count, j < other.ranges.count {
            let low = max(ranges[i].lowerBound, other.ranges[j].lowerBound)
            let high = min(ranges[i].upperBound, other.ranges[j].upperBound)
            if low <= high { result.append(low...high) }
            if ranges[i].upperBound < other.ranges[j].upperBound { i += 1 } else { j += 1 }
        }
        return PortSet(ranges: result)
    }

    public func subtracting(_ other: PortSet) -> PortSet {
        intersection(other.complement)
    }

    public var complement: PortSet {
        var result: [ClosedRange<Int>] = []
        var next = 1
        for range in ranges {
            if range.lowerBound > next { result.append(next...(range.lowerBound - 1)) }
            next = range.upperBound + 1
        }
        if next <= PortNumber.range.upperBound { result.append(next...PortNumber.range.upperBound) }
        return PortSet(ranges: result)
    }

    public var description: String {
        ranges.map { "[\($0.lowerBound), \($0.upperBound)]" }.joined(separator: ", ")
    }
}
