import HarkCore
import HarkModel
@testable import HarkText
import NIOCore
import Testing

struct BodyTextTests {
    private func body(_ bytes: [UInt8], decoded: [UInt8]? = nil, codings: [String] = []) -> HTTPMessageBody {
        HTTPMessageBody(
            bytes: BodyStorage(ByteBuffer(bytes: bytes)),
            decoded: decoded.map { BodyStorage(ByteBuffer(bytes: $0)) },
            length: bytes.count,
            wireBytes: bytes.count,
            contentCodings: codings
        )
    }

    @Test func printsTextLineByLine() {
        let text = BodyText(body(Array("one\r\ntwo\n".utf8)), contentType: "text/plain", limit: 100)
        #expect(text.lines == ["one", "two"])
        #expect(text.notes.isEmpty)
    }

    @Test func prettyPrintsJSON() {
        let text = BodyText(body(Array(#"{"a":[1,2]}"#.utf8)), contentType: "application/json; charset=utf-8", limit: 100)
        #expect(text.lines == ["{", #"  "a": ["#, "    1,", "    2", "  ]", "}"])
    }

    @Test func printsTheDecodedContent() {
        let text = BodyText(body([0x1F, 0x8B, 0x08], decoded: Array("hello".utf8), codings: ["gzip"]), contentType: "text/plain", limit: 100)
        #expect(text.lines == ["hello"])
    }

    @Test func saysWhenContentCouldNotBeDecoded() {
        var undecodable = body([0x1F, 0x8B, 0x08, 0x00], codings: ["gzip"])
        undecodable.decodingError = "incorrect header check"
        let text = BodyText(undecodable, contentType: "text/plain", limit: 100)
        #expect(text.lines.isEmpty)
        #expect(text.notes == ["[4 B gzip not decoded: incorrect header check]"])
    }

    @Test func summarisesBinaryBodies() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 1992)
        let text = BodyText(body(png), contentType: "image/png", limit: 100)
        #expect(text.lines.isEmpty)
        #expect(text.notes == ["[binary 2.0 kB image/png]"])
    }

    @Test func cutsAtTheLimitOnACharacterBoundaryAndSaysSo() {
        let text = BodyText(body(Array("ééééé".utf8)), contentType: "text/plain", limit: 5)
        #expect(text.lines == ["éé"])
        #expect(text.notes == ["[… cut after 4 B; the body has 10 B]"])
    }

    @Test func readsDeclaredTextThatIsNotUTF8AsLatin1() {
        let text = BodyText(body([0x63, 0x61, 0x66, 0xE9]), contentType: "text/html; charset=iso-8859-1", limit: 100)
        #expect(text.lines == ["café"])
    }

    @Test func escapesTerminalControlSequences() {
        let text = BodyText(body(Array("red \u{1B}[31m text".utf8)), contentType: "text/plain", limit: 100)
        #expect(text.lines == ["red \\x1B[31m text"])
    }

    @Test func notesMissingAndUnkeptBytes() {
        var partial = body(Array("abc".utf8))
        partial.length = 10
        partial.missingBytes = 4
        let text = BodyText(partial, contentType: "text/plain", limit: 100)
        #expect(text.lines == ["abc"])
        #expect(text.notes == ["[4 B of the body missing from the capture]", "[only the first 3 B of 10 B were kept]"])
    }

    @Test func cutsPrettyPrintedJSONAtTheLimit() {
        let json = "[" + String(repeating: "1,", count: 1000) + "1]"
        let text = BodyText(body(Array(json.utf8)), contentType: "application/json", limit: 20)
        // "[" + 3 × "\n  1," + "\n  1" is exactly 20 bytes.
        #expect(text.lines == ["[", "  1,", "  1,", "  1,", "  1"])
        #expect(text.notes == ["[… cut after 20 B; the body has 2.0 kB]"])
    }
}
