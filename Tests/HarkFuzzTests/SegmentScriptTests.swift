import HarkCore
import HarkFuzzTargets
import Testing

/// The `reassembly` target's input format: a connection encoded from captured segments replays through
/// reassembly with every payload byte delivered, so its seeds are real connections, not noise.
@Suite struct SegmentScriptTests {
    @Test func anEncodedConnectionDeliversEveryPayloadByte() {
        let request = [UInt8](repeating: 0x47, count: 100)  // split into 29-, 29-, 29-, 13-byte pieces
        let response = [UInt8](repeating: 0x48, count: 203)
        let client: UInt32 = 4_000_000_000  // wraps past 2^32 on the way
        let server: UInt32 = 77
        let segments = [
            SegmentScript.Segment(fromClient: true, flags: [.syn], sequenceNumber: client, acknowledgmentNumber: 0, payload: []),
            SegmentScript.Segment(fromClient: false, flags: [.syn, .ack], sequenceNumber: server, acknowledgmentNumber: client &+ 1, payload: []),
            SegmentScript.Segment(fromClient: true, flags: [.ack], sequenceNumber: client &+ 1, acknowledgmentNumber: server &+ 1, payload: []),
            SegmentScript.Segment(fromClient: true, flags: [.ack, .psh], sequenceNumber: client &+ 1, acknowledgmentNumber: server &+ 1, payload: request),
            SegmentScript.Segment(fromClient: false, flags: [.ack, .psh], sequenceNumber: server &+ 1, acknowledgmentNumber: client &+ 101, payload: response),
            SegmentScript.Segment(fromClient: true, flags: [.ack, .fin], sequenceNumber: client &+ 101, acknowledgmentNumber: server &+ 204, payload: []),
            SegmentScript.Segment(fromClient: false, flags: [.ack, .fin], sequenceNumber: server &+ 204, acknowledgmentNumber: client &+ 102, payload: []),
        ]
        let script = SegmentScript.encode(segments)
        // 7 segments, the request in 4 pieces and the response in 7 (29 × 7 = 203): 16 headers of 6 bytes.
        #expect(script.count == 16 * 6 + 100 + 203)
        let delivered = script.withUnsafeBufferPointer { SegmentScript($0).run() }
        #expect(delivered == 303)
    }
}
