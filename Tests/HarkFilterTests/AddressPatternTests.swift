import HarkCore
@testable import HarkFilter
import Testing

struct AddressPatternTests {
    private func endpoint(_ address: String, _ port: UInt16) throws -> Endpoint {
        Endpoint(address: try #require(IPAddress(address)), port: port)
    }

    @Test(arguments: [
        ("10.0.0.1", "10.0.0.1", 80, true), ("10.0.0.1", "10.0.0.2", 80, false), ("10.0.0.0/8", "10.200.3.4", 1, true),
        ("10.0.0.0/8", "11.0.0.1", 1, false), ("10.1.2.3/8", "10.9.9.9", 1, true), ("0.0.0.0/0", "1.2.3.4", 1, true),
        ("10.0.0.1:80", "10.0.0.1", 80, true), ("10.0.0.1:80", "10.0.0.1", 81, false), ("::1", "::1", 1, true),
        ("[::1]:443", "::1", 443, true), ("[::1]:443", "::1", 80, false), ("[::1]", "::1", 80, true),
        ("2001:db8::/32", "2001:db8:ffff::1", 1, true), ("2001:db8::/32", "2001:db9::1", 1, false),
        ("2001:db8::/96", "2001:db8::10.0.0.1", 1, true), ("::/0", "10.0.0.1", 1, false), ("::ffff:0:0/96", "::ffff:1.2.3.4", 1, true),
    ])
    func matching(pattern: String, address: String, port: Int, expected: Bool) throws {
        let parsed = try #require(AddressPattern(pattern, allowsPort: true))
        #expect(parsed.matches(try endpoint(address, UInt16(port))) == expected, "\(pattern) vs \(address):\(port)")
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.0.0.1", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "[::1", "[::1]80",
                      "[::1]:99999", "1.2.3.4:", "1.2.3.4:x", "10.0.0.0/8:80", "example.com", "[1.2.3.4]:80x"])
    func rejects(_ text: String) {
        #expect(AddressPattern(text, allowsPort: true) == nil, "\(text)")
    }

    @Test func portsOnlyWhereAllowed() {
        #expect(AddressPattern("1.2.3.4:80", allowsPort: false) == nil)
        #expect(AddressPattern("[::1]:80", allowsPort: false) == nil)
        #expect(AddressPattern("1.2.3.4", allowsPort: false) != nil)
        #expect(AddressPattern("1.2.3.4:80", allowsPort: true)?.port == 80)
    }
}
