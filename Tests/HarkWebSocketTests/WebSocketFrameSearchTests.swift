import HarkTestSupport
import NIOCore
import Testing

@testable import HarkWebSocket

/// The mid-stream search for a first frame: the same answer however the bytes are split, and work
/// bounded by the bytes, not by the bytes times the segments.
@Suite struct WebSocketFrameSearchTests {
    /// Feeds `bytes` in `pieces`-sized pieces to one search; returns its answer and the work it did.
    private func search(_ bytes: [UInt8], piece: Int, fromClient: Bool = false, limit: Int = 64 << 10) -> (Int?, Int) {
        var search = WebSocketFrameSearch()
        var buffer = ByteBuffer()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + piece)
            buffer.writeBytes(bytes[start..<end])
            start = end
            if let found = search.next(in: buffer, fromClient: fromClient, searchLimit: limit) {
                return (found, search.examinations)
            }
        }
        return (nil, search.examinations)
    }

    @Test func textWithoutFramesIsExaminedAboutOncePerByteWhateverTheSegments() {
        let text = Array(String(repeating: "GET /ad/l/1?last=0&ct=0 HTTP/1.1\r\nHost: example.com\r\n\r\n", count: 1_000).utf8)
        for piece in [1, 7, 100, text.count] {
            let (found, work) = search(text, piece: piece)
            #expect(found == nil)
            // An offset is looked at when it arrives and again for each further byte while its header
            // is cut by the end of the bytes (most text is refused at its second byte). Before the fix
            // every offset was looked at again on every segment: about bytes² / (2 × piece).
            #expect(work <= text.count * 2, "piece \(piece): \(work) examinations for \(text.count) bytes")
        }
    }

    @Test func aDeclaredLongFrameWaitsForItsEndWithoutBeingReexamined() {
        // An unmasked binary frame of 60,000 bytes, fed one byte at a time: offset 0 is examined while
        // its 4-byte header arrives and once more when its end does, not once per byte in between;
        // every payload offset (0x61 sets RSV2: no frame) twice, as it arrives and at its second byte.
        let frame: [UInt8] = [0x82, 126, 0xEA, 0x60] + [UInt8](repeating: 0x61, count: 60_000)
        let (found, work) = search(frame, piece: 1)
        #expect(found == 0)
        #expect(work <= 2 * frame.count + 8)
    }

    @Test func theAnswerDoesNotDependOnTheSplit() {
        let garbage = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".utf8)
        let frames: [UInt8] = [0x81, 0x02, 0x68, 0x69, 0x81, 0x03, 0x61, 0x62, 0x63, 0x88, 0x02, 0x03, 0xE8]
        for piece in [1, 2, 3, 5, 8, 64] {
            #expect(search(garbage + frames, piece: piece).0 == garbage.count, "piece \(piece)")
        }
    }

    @Test func offsetsPastTheSearchLimitAreNotExamined() {
        let text = [UInt8](repeating: 0x2A, count: 5_000)  // RSV2 set: never a frame
        let (found, work) = search(text, piece: 100, limit: 1_000)
        #expect(found == nil)
        // The first 1,000 offsets once, plus the last offset of each of the first ten 100-byte pieces
        // again when its second byte arrives; nothing for the 4,000 bytes past the limit.
        #expect(work == 1_010)
    }
}
