import Foundation
import HarkCore
import HarkFuzzTargets
import HarkTestSupport
import HarkWebSocket
import NIOCore
import Testing

/// Inputs the fuzzer found, each replayed through the code that failed on it.
@Suite struct FuzzRegressionTests {
    private static let directory = Fixtures.repositoryRoot.appendingPathComponent("Fuzz/regressions")

    /// A mid-stream WebSocket direction that holds only mutated HTTP text: the frame search used to
    /// re-examine every offset on every segment (67 s under ASan for these 16.5 KB). Now each offset
    /// is examined a bounded number of times, and a direction without frames says so when it ends.
    @Test func midStreamSearchThroughHTTPTextExaminesEachOffsetOnceAndSaysNoFrameWasFound() throws {
        let input = try Fixtures.bytes(Self.directory.appendingPathComponent("websocket/mid-stream-search-through-http-text.bin"))
        let start = FuzzTarget.webSocketStart(input[0])
        #expect(start == .midStream)
        var analyzer = WebSocketAnalyzer(start: start)
        var messages: [WebSocketMessage] = []
        var diagnostics: [WebSocketDiagnostic] = []
        var delivered: [Direction: Int] = [:]
        let collect = { (event: WebSocketEvent) in
            switch event {
            case .message(let message): messages.append(message)
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        StreamScript(input.dropFirst()).play(
            receive: { bytes, direction, time in
                delivered[direction, default: 0] += bytes.readableBytes
                analyzer.receive(bytes, from: direction, at: time, emit: collect)
            },
            gap: { analyzer.gap($0, in: $1, at: $2, emit: collect) },
            finish: { analyzer.finish($0, at: $1, emit: collect) }
        )
        #expect(delivered == [.clientToServer: 10_305, .serverToClient: 6_092])
        #expect(messages.isEmpty)
        #expect(diagnostics.map(\.description) == [
            "WebSocket client→server at offset 0: no WebSocket frame found in this direction's 10305 bytes; they are not decoded",
            "WebSocket server→client at offset 0: no WebSocket frame found in this direction's 6092 bytes; they are not decoded",
        ])
        #expect(diagnostics.allSatisfy { $0.isError })
    }
}
