import HarkCore
import HarkHAR
import Testing

/// Issue 15 item 14: entries grouped into pages by top-level document, Referer and client.
struct HARPageGroupingTests {
    static let alice = IPAddress(ipv4: 0x0A00_0001)
    static let bob = IPAddress(ipv4: 0x0A00_0002)

    static func clue(
        _ url: String,
        client: IPAddress = alice,
        document: Bool = false,
        referer: String? = nil,
        location: String? = nil
    ) -> HARPageClue {
        HARPageClue(client: client, url: url, isTopLevelDocument: document, referer: referer, location: location)
    }

    @Test func documentsStartPagesAndWhatTheyPullInJoinsThem() {
        var grouping = HARPageGrouping()
        let time = Timestamp(nanoseconds: 1_000_000_000)
        let refs = [
            Self.clue("http://a.example/start", document: true, location: "/home"),  // redirect: same page
            Self.clue("http://a.example/home#top", document: true),
            Self.clue("http://a.example/style.css", referer: "http://a.example/home"),
            Self.clue("http://a.example/font.woff", referer: "http://a.example/style.css"),  // pulled in by the CSS
            Self.clue("http://cdn.example/lib.js", referer: "http://a.example/"),  // origin-only Referer
            Self.clue("http://a.example/api", client: Self.bob, referer: "http://a.example/home"),  // another client
            Self.clue("http://other.example/x"),  // no Referer
            Self.clue("http://a.example/next", document: true, referer: "http://a.example/home"),
            Self.clue("http://a.example/next.js", referer: "http://a.example/next"),
        ].map { grouping.pageref(for: $0, startedDateTime: time) }
        #expect(refs == ["page_1", "page_1", "page_1", "page_1", "page_1", nil, nil, "page_2", "page_2"])
        #expect(grouping.pages.map(\.title) == ["http://a.example/start", "http://a.example/next"])
        #expect(grouping.pages.map(\.id) == ["page_1", "page_2"])
    }

    /// A clue's keys: the URL without its fragment, and the origin in the form of an origin-only Referer.
    @Test(arguments: [
        ("https://a.example:8443/x/y?q=1#frag", "https://a.example:8443/x/y?q=1", "https://a.example:8443/"),
        ("http://h?q=1", "http://h?q=1", "http://h/"),
        ("http://h#top", "http://h", "http://h/"),
        ("https://user@h.example", "https://user@h.example", "https://user@h.example/"),
        ("urn:isbn:0451450523", "urn:isbn:0451450523", "urn:isbn:0451450523"),
        ("x:y://h/p", "x:y://h/p", "x:y://h/"),
    ])
    func urlKeys(url: String, withoutFragment: String, origin: String) {
        let clue = Self.clue(url, document: true)
        #expect(clue.documentURL == withoutFragment)
        #expect(clue.url == withoutFragment.hashValue)
        #expect(clue.origin == origin.hashValue, "origin of \(url) should be \(origin)")
    }
}
