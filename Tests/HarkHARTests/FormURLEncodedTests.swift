import HarkCore
import HarkHAR
import NIOCore
import Testing

struct FormURLEncodedTests {
    @Test(arguments: [
        ("http://h/p", []),
        ("http://h/p?", []),
        ("/p?a=1&b=2", [("a", "1"), ("b", "2")]),
        ("/p?a=1&a=2", [("a", "1"), ("a", "2")]),  // repeats kept in order
        ("/p?q=caf%C3%A9+au+lait", [("q", "café au lait")]),
        ("/p?flag&empty=&=v", [("flag", ""), ("empty", ""), ("", "v")]),
        ("/p?&&a=1&&", [("a", "1")]),  // empty pieces skipped
        ("/p?a=1=2", [("a", "1=2")]),  // split at the first "="
        ("/p?bad=%zz%4&pct=%25", [("bad", "%zz%4"), ("pct", "%")]),  // malformed escapes stay literal
        ("/p?x=%FF", [("x", "\u{FFFD}")]),  // invalid UTF-8 becomes U+FFFD
        ("/p?a=1#frag?b=2", [("a", "1")]),  // the fragment is not part of the query
        ("/p?%E2%82%AC=%e2%82%ac", [("€", "€")]),
    ] as [(String, [(String, String)])])
    func queryStrings(url: String, expected: [(String, String)]) {
        let parsed = HARQueryParam.parse(url: url)
        #expect(parsed.map(\.name) == expected.map(\.0))
        #expect(parsed.map(\.value) == expected.map(\.1))
    }

    @Test func formBodies() {
        let params = HARParam.parseForm(ByteBuffer(string: "user=j%C3%B6rg&note=a+b%26c&flag"))
        #expect(params == [
            HARParam(name: "user", value: "jörg"), HARParam(name: "note", value: "a b&c"), HARParam(name: "flag", value: ""),
        ])
        #expect(HARParam.parseForm(ByteBuffer()).isEmpty)
    }

    @Test(arguments: [
        ("application/x-www-form-urlencoded", true),
        ("Application/X-WWW-Form-URLEncoded; charset=UTF-8", true),
        (" application/x-www-form-urlencoded ;x", true),
        ("multipart/form-data; boundary=x", false),
        ("application/x-www-form-urlencodedx", false),
        ("", false),
    ])
    func formMimeTypes(mimeType: String, isForm: Bool) {
        #expect(HARParam.isFormURLEncoded(mimeType: mimeType) == isForm)
    }

    @Test func postDataParsesParamsOnlyForForms() {
        let body = ByteBuffer(string: "a=1")
        #expect(HARPostData(mimeType: "application/x-www-form-urlencoded", body: BodyStorage(body)).params == [HARParam(name: "a", value: "1")])
        #expect(HARPostData(mimeType: "text/plain", body: BodyStorage(body)).params.isEmpty)
    }
}
