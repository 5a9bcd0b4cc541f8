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
