import PolicyCore
import Testing

@testable import netpold

/// `netpold diff`: what it prints and when it fails a gate.
@Suite struct DiffTests {
    static func tcp(_ ranges: [[Int]]) -> JSONValue {
        .object(["TCP": .array(ranges.map { .array($0.map { .integer(Int64($0)) }) })])
    }

    static func answer(_ changes: [(String, String, JSONValue, JSONValue)]) -> JSONValue {
        let gained = changes.filter { ConnectionText.ports($0.2) == "none" }.count
        let lost = changes.filter { ConnectionText.ports($0.3) == "none" }.count
        return .object([
            "revision": .integer(4), "groupBy": "pod",
            "changes": .array(
                changes.map { .object(["from": .string($0.0), "to": .string($0.1), "before": $0.2, "after": $0.3]) }),
            "summary": .object([
                "pairsChanged": .integer(Int64(changes.count)), "pairsGained": .integer(Int64(gained)),
                "pairsLost": .integer(Int64(lost)),
            ]),
        ])
    }

    let opens = answer([("shop/a", "shop/b", tcp([[6379, 6379]]), tcp([[6379, 6379], [9090, 9090]]))])
    let closes = answer([("shop/a", "shop/b", tcp([[6379, 6379], [9090, 9090]]), tcp([[6379, 6379]]))])
    let swaps = answer([("shop/a", "shop/b", tcp([[80, 80]]), tcp([[443, 443]]))])
    let nothing = answer([])

    @Test func anyChangeFailsTheDefaultGateAndNoChangePasses() {
        #expect(Netpold.Diff.fails(opens, on: .any))
        #expect(Netpold.Diff.fails(closes, on: .any))
        #expect(!Netpold.Diff.fails(nothing, on: .any))
    }

    @Test func failOnGainedPassesAChangeThatOnlyClosesAccess() {
        #expect(Netpold.Diff.fails(opens, on: .gained))
        #expect(!Netpold.Diff.fails(closes, on: .gained))
        #expect(Netpold.Diff.fails(swaps, on: .gained), "443 is new even though 80 closes")
        #expect(!Netpold.Diff.fails(opens, on: .lost))
        #expect(Netpold.Diff.fails(closes, on: .lost))
        #expect(Netpold.Diff.fails(swaps, on: .lost))
    }

    @Test func coverageIsPortByPortAcrossAdjacentRanges() {
        #expect(Netpold.Diff.covers([1...10, 11...20], 5...15))
        #expect(!Netpold.Diff.covers([1...10, 12...20], 5...15))
        #expect(!Netpold.Diff.covers([], 80...80))
        #expect(!Netpold.Diff.widens(Self.tcp([[1, 65535]]), Self.tcp([[80, 80]])))
        #expect(Netpold.Diff.widens(.object([:]), Self.tcp([[80, 80]])))
    }

    @Test func eachPairIsMarkedAsKubectlDiffMarksLines() {
        let lines = Netpold.Diff.lines(
            Self.answer([
                ("x/a", "x/b", .object([:]), Self.tcp([[80, 80]])), ("x/a", "x/c", Self.tcp([[80, 80]]), .object([:])),
                ("x/b", "x/c", Self.tcp([[80, 80]]), Self.tcp([[81, 81]])),
            ]), colour: false)
        #expect(
            lines == [
                "3 pairs change (1 gained, 1 lost, 1 with other ports) against revision 4, grouped by pod:",
                "    FROM   TO    BEFORE   AFTER",
                "+   x/a    x/b   none     TCP 80",
                "-   x/a    x/c   TCP 80   none",
                "~   x/b    x/c   TCP 80   TCP 81",
            ])
        #expect(Netpold.Diff.lines(nothing, colour: false) == ["No connectivity changes (revision 4)."])
        let coloured = Netpold.Diff.lines(opens, colour: true)
        #expect(coloured[2].hasPrefix("\u{1B}[33m~"))
    }

    @Test func theMarkdownReportIsATableForAPullRequestComment() {
        let lines = Netpold.Diff.markdown(opens)
        #expect(lines[0] == "### netpold: connectivity changes")
        #expect(lines.contains("| ✏️ changed | `shop/a` | `shop/b` | TCP 6379 | TCP 6379, 9090 |"))
        #expect(Netpold.Diff.markdown(nothing).last?.hasPrefix("No connection changes") == true)
    }
}
