import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// Problems blame what happened, not a guess (issue 15, items 5, 7, 8 and 9).
struct ProblemWordingCorpusTests {
    /// `http1-methods-head-options-put-delete-trace.pcap`, connection 2: the client sent
    /// `OPTIONSHTTP/1.1` (no target); the server answered 400. The request was captured, not lost.
    @Test func unparseableRequestIsShownWithItsFirstBytes() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("http1-methods-head-options-put-delete-trace.pcap").path)
        let exchange = try #require(recorder.exchanges.first { $0.connection.id == 2 })
        #expect(exchange.response?.status.rawValue == 400)
        let problem = try #require(exchange.problems.first)
        #expect(problem == "request not understood: the client's bytes were not an HTTP request (first bytes \"OPTIONSHTTP/1.1\\nHost: ww…\")")
        #expect(!recorder.exchanges.contains { $0.problems.contains("request not captured (the capture starts after it was sent)") })
        let diagnostic = try #require(recorder.diagnostics.first { $0.connectionID == 2 })
        #expect(diagnostic.message.hasSuffix("(+38 bytes): bytes skipped: not an HTTP message \"OPTIONSHTTP/1.1\\nHost: ww…\""))
    }

    /// Only the client's packets were captured: the missing response is blamed on the capture.
    @Test(arguments: ["tcp-unidirectional-missing-packet.pcap", "ipv4-fragmented-http-request.pcap"])
    func directionNeverCapturedIsSaid(capture: String) throws {
        let (recorder, _) = try runSession(Fixtures.corpus(capture).path)
        #expect(!recorder.exchanges.isEmpty)
        for exchange in recorder.exchanges {
            #expect(exchange.response == nil)
            #expect(exchange.problems.contains("no response: the server→client direction is not in the capture"))
            #expect(!exchange.problems.contains { $0.contains("ended first") })
        }
    }

    /// `tcp-unidirectional-missing-packet.pcap`: the client acknowledges 12,444 bytes of server data
    /// (its last ACK, packet 14, is relative 12445) that the capture never saw; the README promises
    /// those as a gap of the server's direction.
    @Test func acknowledgedButUnseenServerBytesAreAGap() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("tcp-unidirectional-missing-packet.pcap").path)
        let summary = try #require(recorder.connections.first?.summary)
        #expect(summary.serverToClient.packets == 0)
        #expect(summary.serverToClient.gapBytes == 12_444)
        #expect(summary.serverToClient.gaps > 0)  // reported as the ACKs advance
        #expect(summary.clientToServer.gapBytes == 1_420)
    }

    /// The same capture without its SYN (a one-sided capture joined mid-connection): the client's first
    /// ACK anchors the server's direction, so the 12,444 bytes it acknowledged after that are a gap too
    /// (tshark: the client's ACKs go from 1 to 12445 relative to the server's ISN).
    @Test func acknowledgedButUnseenBytesWithoutTheSYNAreAGap() throws {
        let bytes = try PcapCut.from(Fixtures.corpus("tcp-unidirectional-missing-packet.pcap"), startingAt: 2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hark-no-syn-\(getpid()).pcap")
        try Data(bytes).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let (recorder, _) = try runSession(path.path)
        let summary = try #require(recorder.connections.first?.summary)
        #expect(summary.info.roleSource != .handshake)
        #expect(summary.serverToClient.packets == 0)
        #expect(summary.serverToClient.gapBytes == 12_444)
        #expect(summary.serverToClient.gaps == 1)  // found at the end: no anchor before the first ACK
        let gap = recorder.events.first { $0.direction == .serverToClient && $0.kind == .gap(length: 12_444) }
        #expect(gap != nil, "\(recorder.events.map(\.kind))")
        let exchange = try #require(recorder.exchanges.first)
        #expect(exchange.problems.contains { $0.contains("the server→client direction is not in the capture") }, "\(exchange.problems)")
    }

    /// A key log that was given but held nothing usable is not "no key log given".
    @Test func emptyKeyLogIsNotMissingKeyLog() throws {
        let capture = Fixtures.corpus("tls12-http1-heise-keylog.pcap")
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("hark-empty-\(getpid()).keys")
        try "# nothing here\nnot a key log line\n".write(to: keys, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keys) }
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [keys.path]
        let (given, _) = try runSession(capture.path, configuration: configuration)
        let reason = try #require(given.connections.first?.tls?.notDecryptedReason)
        #expect(reason == "the key log given (\(keys.path)) holds no usable line")
        let (none, _) = try runSession(capture.path)
        #expect(none.connections.first?.tls?.notDecryptedReason == "no key log given (use --keylog)")
    }
}
