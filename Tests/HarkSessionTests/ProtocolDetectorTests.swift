import HarkModel
import NIOCore
import Testing

@testable import HarkSession

/// Recognising a protocol from a direction's first bytes.
struct ProtocolDetectorTests {
    private func classify(_ bytes: [UInt8]) -> ProtocolDetector.Verdict {
        ProtocolDetector.classify(ByteBuffer(bytes: bytes))
    }

    @Test func emptyLinesBeforeARequestLineAreSkipped() {
        // RFC 9112 §2.2; a stray LF after a CONNECT request starts the tunnel's bytes this way.
        #expect(classify(Array("\nGET / HTTP/1.1\r\n".utf8)) == .detected(.http1))
        #expect(classify(Array("\r\n\r\nHTTP/1.1 200 OK\r\n".utf8)) == .detected(.http1))
        #expect(classify(Array("\r\nGE".utf8)) == .undecided)
    }

    @Test func onlyEmptyLinesWaitForMoreUpToALimit() {
        #expect(classify(Array("\n".utf8)) == .undecided)
        #expect(classify(Array("\r\n\r\n".utf8)) == .undecided)
        let endless = [UInt8](repeating: UInt8(ascii: "\n"), count: ProtocolDetector.emptyLineLimit)
        #expect(classify(endless) == .detected(.unknown))
    }

    @Test func otherFirstBytesAreClassifiedAsBefore() {
        #expect(classify([0x16, 0x03, 0x01, 0x02, 0x00]) == .detected(.tls))
        #expect(classify(ProtocolDetector.http2Preface) == .detected(.http2))
        #expect(classify(Array("SSH-2.0-OpenSSH\r\n".utf8)) == .detected(.unknown))
    }
}
