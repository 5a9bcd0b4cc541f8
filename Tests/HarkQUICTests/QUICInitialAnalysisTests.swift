import HarkCore
import HarkTLS
import NIOCore
import Testing

@testable import HarkQUIC

/// A connection's server name, protocols and version from its Initial packets alone.
@Suite struct QUICInitialAnalysisTests {
    static let time = Timestamp(nanoseconds: 0)

    static func analyse(keyLog: TLSKeyLog = TLSKeyLog()) -> (QUICConnectionAnalyzer, [QUICEvent]) {
        var analyzer = QUICConnectionAnalyzer(keyLog: keyLog)
        var events: [QUICEvent] = []
        analyzer.receive(ByteBuffer(bytes: QUICTestVectors.clientInitial), from: .clientToServer, at: time) { events.append($0) }
        analyzer.receive(ByteBuffer(bytes: QUICTestVectors.serverInitial), from: .serverToClient, at: time) { events.append($0) }
        return (analyzer, events)
    }

    @Test func theRFCInitialsNameTheServerAndTheSuite() {
        #expect(QUICConnectionAnalyzer.looksLikeQUIC(ByteBuffer(bytes: QUICTestVectors.clientInitial)))
        let (analyzer, _) = Self.analyse()
        let summary = analyzer.summary
        #expect(summary.version == .v1)
        #expect(summary.serverName == "example.com")
        #expect(summary.offeredALPN == ["alpn"])
        #expect(summary.cipherSuite?.name == "TLS_AES_128_GCM_SHA256")
        #expect(summary.clientRandom.map { "\($0)" } == "ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c")
        #expect(summary.notDecryptedReason == "no key log (give one with --keylog)")
        #expect(summary.packets == 2)
        #expect(summary.undecryptedPackets == 0)
    }

    @Test func aKeyLogWithoutTheSessionSaysWhichClientRandomIsMissing() {
        let keyLog = TLSKeyLog()
        keyLog.add(Array("CLIENT_TRAFFIC_SECRET_0 \(String(repeating: "ab", count: 32)) \(String(repeating: "cd", count: 32))".utf8), source: "test")
        let (analyzer, _) = Self.analyse(keyLog: keyLog)
        #expect(
            analyzer.summary.notDecryptedReason
                == "no key log entry for client random ebf8fa56f12939b9584a3896472ec40bb863cfd3e86804fe3a47f06a2b69484c")
    }

    @Test func notQUICIsNotTakenForQUIC() {
        #expect(!QUICConnectionAnalyzer.looksLikeQUIC(ByteBuffer(bytes: Array("GET / HTTP/1.1\r\n".utf8))))
        #expect(!QUICConnectionAnalyzer.looksLikeQUIC(ByteBuffer(bytes: [0xC0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0])))
        #expect(!QUICConnectionAnalyzer.looksLikeQUIC(ByteBuffer(bytes: [0x40] + [UInt8](repeating: 0, count: 40))))
    }
}
