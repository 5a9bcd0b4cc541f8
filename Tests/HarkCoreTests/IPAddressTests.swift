import HarkCore
import Testing

struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("10.9.99.100", "10.9.99.100"),
        ("::1", "::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1"),
        ("fe80::", "fe80::"),
        ("::ffff:10.0.0.1", "::ffff:a00:1"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
        ("1:0:3:4:5:6:7:8", "1:0:3:4:5:6:7:8"),
    ])
    func canonicalText(input: String, expected: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == expected)
        #expect(IPAddress(expected) == address)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.256", "1.2.3.4.5", ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", "g::"])
    func rejectsMalformed(input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func familiesDiffer() throws {
        let v4 = try #require(IPAddress("0.0.0.1"))
        let v6 = try #require(IPAddress("::1"))
        #expect(v4 != v6)
        #expect(v4.ipv4Value == 1)
        #expect(v6.ipv4Value == nil)
    }

    @Test(arguments: [
        ("0.0.0.0", UInt16(0), "0.0.0.0:0"),
        ("255.255.255.255", UInt16.max, "255.255.255.255:65535"),
        ("192.168.1.10", 8080, "192.168.1.10:8080"),
        ("10.0.0.1", 9, "10.0.0.1:9"),
        ("::1", 443, "[::1]:443"),
    ])
    func endpointText(address: String, port: UInt16, expected: String) throws {
        let endpoint = Endpoint(address: try #require(IPAddress(address)), port: port)
        #expect(endpoint.description == expected)
    }

    @Test func everyIPv4OctetAndPortDigitCount() throws {
        for value in [0, 7, 10, 99, 100, 199, 255] {
            let octet = UInt32(value)
            let address = IPAddress(ipv4: octet << 24 | octet << 16 | octet << 8 | octet)
            #expect(address.description == "\(value).\(value).\(value).\(value)")
        }
        for port: UInt16 in [1, 80, 443, 8080, 10_000, 65_535] {
            #expect(Endpoint(address: IPAddress(ipv4: 0x7f00_0001), port: port).description == "127.0.0.1:\(port)")
        }
    }
}
