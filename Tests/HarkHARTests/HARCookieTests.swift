import HarkCore
import HarkHAR
import Testing

struct HARCookieTests {
    @Test(arguments: [
        ("a=1", [("a", "1")]),
        ("a=1; b=2", [("a", "1"), ("b", "2")]),
        (" a = 1 ;b=x=y;; ", [("a", "1"), ("b", "x=y")]),
        ("lonely", [("", "lonely")]),  // no "=": a nameless cookie (RFC 6265bis §5.6)
        ("q=\"quoted value\"", [("q", "\"quoted value\"")]),
        ("", []),
        (";;", []),
    ] as [(String, [(String, String)])])
    func cookieHeaders(header: String, expected: [(String, String)]) {
        let cookies = HARCookie.parse(cookieHeader: header)
        #expect(cookies.map(\.name) == expected.map(\.0))
        #expect(cookies.map(\.value) == expected.map(\.1))
        #expect(cookies.allSatisfy { $0.path == nil && $0.httpOnly == nil && $0.expires == nil })
    }

    @Test func everyCookieHeaderCounts() {
        let headers = [
            HARHeader(name: "cookie", value: "a=1"), HARHeader(name: "Host", value: "x"), HARHeader(name: "COOKIE", value: "b=2"),
        ]
        #expect(HARCookie.parse(cookieHeadersIn: headers).map(\.name) == ["a", "b"])
    }

    @Test func setCookieWithEveryAttribute() throws {
        let cookie = try #require(
            HARCookie.parse(
                setCookie: "id=a3fWa; Expires=Wed, 21 Oct 2015 07:28:00 GMT; Domain=.Example.COM; Path=/docs; Secure; HttpOnly; SameSite=strict"
            )
        )
        #expect(cookie.name == "id")
        #expect(cookie.value == "a3fWa")
        #expect(cookie.expires?.description == "2015-10-21T07:28:00.000Z")
        #expect(cookie.domain == ".Example.COM", "as sent, as Chrome writes it (issue 15 item 13)")
        #expect(cookie.path == "/docs")
        #expect(cookie.secure == true)
        #expect(cookie.httpOnly == true)
        #expect(cookie.sameSite == .strict)
    }

    @Test func setCookieDefaultsAndIgnoredAttributes() throws {
        let cookie = try #require(HARCookie.parse(setCookie: "n=v; Path=relative; Domain=; SameSite=bogus; Expires=never; Unknown=1"))
        #expect(cookie.httpOnly == false)
        #expect(cookie.secure == false)
        #expect(cookie.path == nil)
        #expect(cookie.domain == nil)
        #expect(cookie.sameSite == nil)
        #expect(cookie.expires == nil)
        #expect(HARCookie.parse(setCookie: "") == nil)
        #expect(HARCookie.parse(setCookie: " ; Path=/") == nil)
        #expect(HARCookie.parse(setCookie: "token")?.value == "token")
    }

    @Test func maxAgeWinsOverExpiresWhenTheResponseTimeIsKnown() throws {
        let received = Timestamp(nanoseconds: 1_389_719_041_819_000_000)
        let header = "a=b; Max-Age=3600; Expires=Wed, 21 Oct 2015 07:28:00 GMT"
        #expect(HARCookie.parse(setCookie: header, receivedAt: received)?.expires?.description == "2014-01-14T18:04:01.819Z")
        #expect(HARCookie.parse(setCookie: header)?.expires?.description == "2015-10-21T07:28:00.000Z")
        #expect(HARCookie.parse(setCookie: "a=b; Max-Age=0", receivedAt: received)?.expires?.description == "1970-01-01T00:00:00.000Z")
        #expect(HARCookie.parse(setCookie: "a=b; Max-Age=-5", receivedAt: received)?.expires?.millisecondsSinceEpoch == 0)
        #expect(HARCookie.parse(setCookie: "a=b; Max-Age=99999999999999999999999", receivedAt: received)?.expires?.description == "9999-12-31T23:59:59.999Z")
        #expect(HARCookie.parse(setCookie: "a=b; Max-Age=1h", receivedAt: received)?.expires == nil)
    }

    @Test func responseCookiesComeFromEachSetCookieHeader() {
        let response = HARResponse(
            status: 200, statusText: "OK", httpVersion: "HTTP/1.1",
            headers: [
                HARHeader(name: "Set-Cookie", value: "a=1; Expires=Thu, 01 Jan 2026 00:00:00 GMT"),
                HARHeader(name: "set-cookie", value: "b=2"),
                HARHeader(name: "Location", value: "https://example.com/next"),
            ],
            content: HARContent(size: 0, mimeType: "")
        )
        #expect(response.cookies.map(\.name) == ["a", "b"])
        #expect(response.redirectURL == "https://example.com/next")
    }
}
