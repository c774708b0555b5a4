import PolicyCore
import Testing

@Suite struct NetworkTests {
    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("fd00::1", "fd00::1"), ("FD00:0:0:0:0:0:0:1", "fd00::1"), ("::", "::"), ("::1", "::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("::ffff:1.2.3.4", "::ffff:102:304"), ("1::", "1::"),
    ])
    func parsesAndPrintsAddressesCanonically(text: String, canonical: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == canonical)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "fffff::",
        "1.2.3.4/8",
    ])
    func refusesMalformedAddresses(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func cidrMembershipRespectsPrefixAndFamily() throws {
        let block = try #require(CIDR("192.168.10.7/24"))
        #expect(block.description == "192.168.10.0/24")
        #expect(block.contains(IPAddress("192.168.10.255")!))
        #expect(!block.contains(IPAddress("192.168.11.0")!))
        #expect(!block.contains(IPAddress("::ffff:c0a8:a01")!))
        let all = try #require(CIDR("0.0.0.0/0"))
        #expect(all.contains(IPAddress("8.8.8.8")!))
        let v6 = try #require(CIDR("fd00:1::/72"))
        #expect(v6.contains(IPAddress("fd00:1::ff:1")!))
        #expect(!v6.contains(IPAddress("fd00:1:0:0:100::1")!))
        #expect(CIDR("10.0.0.0/33") == nil)
        #expect(CIDR("10.0.0.0") == nil)
        #expect(CIDR("10.0.0.1", allowBareAddress: true)?.prefixLength == 32)
        #expect(try #require(CIDR("10.0.0.0/8")).contains(try #require(CIDR("10.1.0.0/16"))))
    }

    @Test func portSetsMergeIntersectAndComplement() {
        let a = PortSet(ranges: [80...80, 81...90, 100...200])
        #expect(a.ranges == [80...90, 100...200])
        #expect(a.intersection(PortSet(ranges: [85...150])).ranges == [85...90, 100...150])
        #expect(a.complement.ranges == [1...79, 91...99, 201...65535])
        #expect(PortSet.all.subtracting(PortSet(53)).ranges == [1...52, 54...65535])
        #expect(a.union(a.complement).isAll)
    }
}
