import HarkCore
import HarkModel
import Testing

/// `HTTPRequestRecord.host(server:)`, the host filters and statistics group by: the authority without
/// its port, or the server's address when no authority was sent.
struct RequestHostTests {
    @Test(arguments: [
        ("www.Example.com:8080", "www.Example.com"),
        ("example.com", "example.com"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[::1]", "::1"),
        ("[fe80::1", "fe80::1"),  // no closing bracket: everything after the opening one
        ("exämple.com:80", "exämple.com"),  // UTF-8 is cut at the ASCII colon, not inside a character
        (":8080", ""),
    ])
    func authorityWithoutPort(authority: String, expected: String) {
        let exchange = ExchangeSamples.exchange(authority: authority)
        #expect(exchange.request.host(server: ExchangeSamples.server) == expected)
    }

    @Test(arguments: [nil, ""] as [String?])
    func serverAddressWithoutAuthority(authority: String?) {
        let exchange = ExchangeSamples.exchange(authority: authority)
        #expect(exchange.request.host(server: ExchangeSamples.server) == "93.184.216.34")
    }
}
