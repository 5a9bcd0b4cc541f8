import HarkHAR
import Testing

struct HARRedactionTests {
    @Test func coversNamesIgnoringCase() {
        let redaction = HARRedaction.chromeSanitized
        #expect(redaction.headerNames == ["authorization", "cookie", "set-cookie", "proxy-authorization"])
        #expect(redaction.covers("AUTHORIZATION"))
        #expect(redaction.covers("set-Cookie"))
        #expect(!redaction.covers("Cookie2"))
        #expect(!redaction.covers("Host"))
        #expect(!redaction.covers(""))
    }

    @Test func chromeSanitizedRemovesHeadersAndEmptiesCookies() throws {
        var entry = HARTestDocuments.getEntry
        entry.response.trailers = [HARHeader(name: "Authorization", value: "x"), HARHeader(name: "X-T", value: "1")]
        let bytes = try HARTestDocuments.write([entry], configuration: .init(redaction: .chromeSanitized))
        let written = try #require(try HARTestDocuments.entries(bytes).first)
        let request = written[object: "request"]
        let response = written[object: "response"]
        #expect(request[objects: "headers"].compactMap { $0["name"] as? String } == ["Host"])
        #expect(request[objects: "cookies"].isEmpty)
        #expect(response[objects: "headers"].compactMap { $0["name"] as? String } == ["Content-Type"])
        #expect(response[objects: "cookies"].isEmpty)
        #expect(response[objects: "_trailers"].compactMap { $0["name"] as? String } == ["X-T"])
        let text = String(decoding: bytes, as: UTF8.self)
        for secret in ["secret-token", "abc123", "a3fWa", "session"] {
            #expect(!text.contains(secret), "\(secret) leaked")
        }
    }

    @Test func replacementKeepsNamesAndHidesValues() throws {
        let redaction = HARRedaction(headerNames: ["Cookie", "Authorization"], style: .replaceValue("[redacted]"))
        let bytes = try HARTestDocuments.write([HARTestDocuments.getEntry], configuration: .init(redaction: redaction))
        let written = try #require(try HARTestDocuments.entries(bytes).first)
        let request = written[object: "request"]
        let headers = request[objects: "headers"].map { "\($0["name"] ?? ""): \($0["value"] ?? "")" }
        #expect(headers == ["Host: example.com", "Cookie: [redacted]", "Authorization: [redacted]"])
        let cookies = request[objects: "cookies"].map { "\($0["name"] ?? "")=\($0["value"] ?? "")" }
        #expect(cookies == ["session=[redacted]", "theme=[redacted]"])
        // Set-Cookie is not covered here, so the response keeps it.
        #expect(written[object: "response"][objects: "cookies"].first?["value"] as? String == "a3fWa")
    }

    @Test func withoutRedactionEverythingIsWritten() throws {
        let bytes = try HARTestDocuments.write([HARTestDocuments.getEntry])
        let written = try #require(try HARTestDocuments.entries(bytes).first)
        #expect(written[object: "request"][objects: "headers"].count == 3)
        #expect(written[object: "request"][objects: "cookies"].count == 2)
    }
}
