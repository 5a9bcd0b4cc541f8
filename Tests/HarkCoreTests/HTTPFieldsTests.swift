import HarkCore
import Testing

@Suite struct HTTPFieldsTests {
    private let headers: HTTPFields = [
        "Connection": "keep-alive, Upgrade",
        "Upgrade": "websocket",
        "Content-Length": "12",
        "connection": " TE ",
    ]

    @Test func lookupIgnoresCase() {
        #expect(headers.first("content-length") == "12")
        #expect(headers.first("CONTENT-LENGTH") == "12")
        #expect(headers.first("Content-Type") == nil)
        #expect(headers.contains("UPGRADE"))
        #expect(headers.values(for: "Connection") == ["keep-alive, Upgrade", " TE "])
    }

    @Test func namesMatchOnlyTheirASCIICaseVariants() {
        let fields: HTTPFields = ["X-Ä": "bytes", "Host-Name-Longer-Than-Fifteen-Bytes": "long", "hosts": "plural"]
        #expect(fields.first("x-Ä") == "bytes")
        #expect(fields.first("X-ä") == nil)  // only ASCII letters fold
        #expect(fields.first("HOST-NAME-LONGER-THAN-FIFTEEN-BYTES") == "long")
        #expect(fields.first("host") == nil)  // a prefix is not a match
        #expect(fields.first("hosts2") == nil)
        #expect(fields.first("HOSTS") == "plural")
    }

    @Test func tokensAreFoundInListsAcrossFields() {
        #expect(headers.containsToken("upgrade", in: "connection"))
        #expect(headers.containsToken("te", in: "Connection"))
        #expect(!headers.containsToken("close", in: "Connection"))
        #expect(!headers.containsToken("keep", in: "Connection"))
    }

    @Test func iteratesInWireOrder() {
        #expect(headers.map(\.name) == ["Connection", "Upgrade", "Content-Length", "connection"])
    }
}
