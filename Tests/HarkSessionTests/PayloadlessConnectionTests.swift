import HarkCore
import HarkModel
import NIOCore
import Testing

@testable import HarkSession

/// Hole 3 of issue #16, second half: a connection that carries no byte (a SYN flood, a port scan)
/// costs reassembly's state and a small entry in the session, not a protocol stack.
struct PayloadlessConnectionTests {
    @Test func aConnectionGetsItsStackOnlyWithItsFirstByte() {
        var dispatcher = StreamDispatcher(observer: SessionRecorder(), captureName: "test", settings: StackSettings())
        for id in 0..<1_000 {
            let info = TestConnections.info(id)
            dispatcher.connectionOpened(info)
            dispatcher.tcpEvent(TCPEvent(connectionID: id, direction: .clientToServer, timestamp: Timestamp(nanoseconds: 0), packetNumber: id, kind: .syn))
            if id % 2 == 0 {
                dispatcher.streamEnded(connection: id, direction: .clientToServer, reason: .endOfCapture, at: Timestamp(nanoseconds: 1))
                dispatcher.connectionClosed(TestConnections.summary(info))
            }
        }
        #expect(dispatcher.slotsMade == 0)
        // The first byte (or gap, or completed handshake) gives a connection its stack.
        dispatcher.deliver(ByteBuffer(string: "GET / HTTP/1.1\r\n"), connection: 1, direction: .clientToServer, at: Timestamp(nanoseconds: 2), packetNumber: 1_001)
        dispatcher.tcpEvent(TCPEvent(connectionID: 3, direction: .clientToServer, timestamp: Timestamp(nanoseconds: 2), packetNumber: 0, kind: .handshakeComplete(roundTrip: TimeSpan(nanoseconds: 1))))
        #expect(dispatcher.slotsMade == 2)
        #expect(dispatcher.connectionCount == 1_000)
    }
}
