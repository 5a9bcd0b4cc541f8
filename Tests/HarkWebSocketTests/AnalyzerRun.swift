import HarkCore
import NIOCore

@testable import HarkWebSocket

/// Runs bytes through an analyzer, one chunk per call, and collects what it reports.
func analyze(
    _ chunks: [(Direction, [UInt8])],
    start: WebSocketAnalyzer.Start = .upgrade(deflate: nil),
    limits: WebSocketLimits = WebSocketLimits(),
    finish: Bool = true
) -> (messages: [WebSocketMessage], diagnostics: [WebSocketDiagnostic]) {
    var analyzer = WebSocketAnalyzer(start: start, limits: limits)
    var messages: [WebSocketMessage] = []
    var diagnostics: [WebSocketDiagnostic] = []
    let collect = { (event: WebSocketEvent) in
        switch event {
        case .message(let message): messages.append(message)
        case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
        }
    }
    for (index, (direction, bytes)) in chunks.enumerated() {
        analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: Int64(index) * 1_000_000), emit: collect)
    }
    if finish {
        for direction in Direction.allCases { analyzer.finish(direction, at: Timestamp(nanoseconds: 1_000_000_000), emit: collect) }
    }
    return (messages, diagnostics)
}

func text(_ message: WebSocketMessage) -> String {
    String(decoding: ((try? message.payload.readAll()) ?? ByteBuffer()).readableBytesView, as: UTF8.self)
}
