import HarkHAR
import Testing

/// RFC 6265 §5.1.1 cookie dates, through `Set-Cookie` parsing.
struct CookieDateTests {
    private func expires(_ date: String) -> String? {
        HARCookie.parse(setCookie: "a=b; Expires=\(date)")?.expires?.description
    }

    @Test(arguments: [
        ("Wed, 21 Oct 2015 07:28:00 GMT", "2015-10-21T07:28:00.000Z"),  // RFC 1123
        ("Wednesday, 21-Oct-15 07:28:00 GMT", "2015-10-21T07:28:00.000Z"),  // RFC 850, two-digit year
        ("Wed Oct 21 07:28:00 2015", "2015-10-21T07:28:00.000Z"),  // asctime
        ("Thu, 01-Jan-70 00:00:01 GMT", "1970-01-01T00:00:01.000Z"),  // 70 → 1970
        ("Sat, 01 Jan 2000 00:00:00 GMT", "2000-01-01T00:00:00.000Z"),
        ("Fri, 31 Dec 9999 23:59:59 GMT", "9999-12-31T23:59:59.000Z"),  // beyond Timestamp's range
        ("1 JANUARY 2030 1:2:3", "2030-01-01T01:02:03.000Z"),  // one-digit fields, long month name
        ("Tue, 29 Feb 2028 12:00:00 GMT", "2028-02-29T12:00:00.000Z"),
    ])
    func acceptedDates(text: String, expected: String) {
        #expect(expires(text) == expected)
    }

    @Test(arguments: [
        "",
        "Wed, 21 Oct 2015 GMT",  // no time
        "Wed, 21 2015 07:28:00 GMT",  // no month
        "Wed, Oct 2015 07:28:00 GMT",  // no day (2015 is too long to be one)
        "Wed, 21 Oct 1600 07:28:00 GMT",  // before 1601
        "Wed, 21 Oct 2015 24:00:00 GMT",
        "Wed, 21 Oct 2015 07:60:00 GMT",
        "Thu, 30 Feb 2015 07:28:00 GMT",  // no such day
        "Wed, 32 Oct 2015 07:28:00 GMT",
    ])
    func rejectedDates(text: String) {
        #expect(expires(text) == nil)
    }
}
