import HarkCore
@testable import HarkFilter
import HarkModel
import Testing

struct ExchangeFieldsTests {
    @Test(arguments: [
        ("/a/b?c=d", "/a/b"), ("/a/b#frag", "/a/b"), ("/", "/"), ("*", "*"), ("example.com:443", "example.com:443"),
        ("http://example.com/x/y?z", "/x/y"), ("https://example.com", "/"), ("http://example.com?q", "/"),
        ("https://h:8443/p", "/p"), ("/?", "/"), ("", ""),
    ])
    func pathOfATarget(target: String, path: String) {
        #expect(ExchangeFields.path(of: target[...]) == path[...])
    }

    @Test(arguments: [
        ("example.com", "example.com"), ("example.com:8080", "example.com"), ("[2001:db8::1]:443", "2001:db8::1"),
        ("[::1]", "::1"), ("[broken", "broken"),
    ])
    func hostOfAnAuthority(authority: String, host: String) {
        let exchange = ExchangeSamples.exchange(authority: authority)
        #expect(ExchangeFields.host(authority: exchange.request.authority?[...], server: ExchangeSamples.server) == host[...])
    }

    @Test(arguments: [
        ("text/html; charset=utf-8", "text/html"), ("  application/json  ", "application/json"), ("a/b ;x", "a/b"), ("", ""),
        (";", ""),
    ])
    func mediaType(value: String, expected: String) {
        #expect(ExchangeFields.mediaType(value[...]) == expected[...])
    }

    @Test func contentTypeFallsBackToTheRequest() {
        let post = ExchangeSamples.exchange(
            requestHeaders: ["Content-Type": "application/x-www-form-urlencoded"],
            responseHeaders: [:]
        )
        #expect(ExchangeFields.contentType(of: post) == "application/x-www-form-urlencoded")
        let both = ExchangeSamples.exchange(requestHeaders: ["Content-Type": "a/b"], responseHeaders: ["content-type": "c/d"])
        #expect(ExchangeFields.contentType(of: both) == "c/d")
        #expect(ExchangeFields.contentType(of: ExchangeSamples.exchange(requestHeaders: [:], responseHeaders: [:])) == nil)
    }
}
