import NIOCore
import Testing

@testable import HarkTLS

/// Runs fragments through an assembler and returns what it found, as (type, body bytes or nil).
private func assemble(_ fragments: [[UInt8]], maxLength: Int = 1_000) -> [(UInt8, [UInt8]?, tooLarge: Bool)] {
    var assembler = HandshakeAssembler(maxLength: maxLength)
    var found: [(UInt8, [UInt8]?, tooLarge: Bool)] = []
    for fragment in fragments {
        assembler.begin(ByteBuffer(bytes: fragment))
        loop: while true {
            switch assembler.next() {
            case .message(let type, let body):
                found.append((type.rawValue, body.map { Array($0.readableBytesView) }, false))
            case .tooLarge(let type, _): found.append((type.rawValue, nil, true))
            case .needMore: break loop
            }
        }
    }
    return found
}

@Test func splitsAndJoinsMessagesAcrossFragments() {
    let hello = handshakeMessage(2, [UInt8](repeating: 7, count: 60))
    let certificate = handshakeMessage(11, [UInt8](repeating: 8, count: 500))
    let done = handshakeMessage(14, [])
    let stream = hello + certificate + done
    let whole = assemble([stream])
    #expect(whole.map(\.0) == [2, 11, 14])
    #expect(whole[0].1 == [UInt8](repeating: 7, count: 60))
    #expect(whole[1].1 == nil, "certificates are skipped, not held")
    for size in [1, 3, 7, 100] {
        let pieces = stride(from: 0, to: stream.count, by: size).map {
            Array(stream[$0..<min($0 + size, stream.count)])
        }
        let found = assemble(pieces)
        #expect(found.map(\.0) == [2, 11, 14], "pieces of \(size)")
        #expect(found.first?.1 == whole[0].1, "pieces of \(size)")
    }
}

@Test func skipsAReadMessageBeyondTheLimit() {
    let found = assemble(
        [handshakeMessage(1, [UInt8](repeating: 1, count: 2_000)) + handshakeMessage(14, [])], maxLength: 1_000)
    #expect(found.map(\.0) == [1, 1, 14])
    #expect(found[0].tooLarge && found[1].1 == nil)
}
