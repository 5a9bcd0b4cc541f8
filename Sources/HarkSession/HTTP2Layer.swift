import HarkCore
import HarkHTTP2
import HarkWebSocket
import NIOCore

/// The HTTP/2 analyzer of a connection, mutated in place (see `StreamAnalyzer`), with a WebSocket
/// analyzer per stream an extended CONNECT switched to WebSocket (RFC 8441).
final class HTTP2Layer {
    var analyzer: HTTP2Analyzer
    /// What the stack was built with: WebSocket limits, whether messages are parsed, the packet clock.
    private let settings: StackSettings
    /// The WebSocket streams still open, with the directions that ended.
    private var webSockets: [UInt32: (analyzer: WebSocketAnalyzer, ended: Set<Direction>)] = [:]

    init(_ analyzer: HTTP2Analyzer, settings: StackSettings) {
        self.analyzer = analyzer
        self.settings = settings
    }

    func receive(_ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        analyzer.receive(bytes, from: direction, at: time) { route($0, emit: emit) }
    }

    func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        analyzer.gap(length, in: direction, at: time) { route($0, emit: emit) }
    }

    func finish(_ direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        analyzer.finish(direction, at: time) { route($0, emit: emit) }
    }

    /// Passes HTTP/2 events up; a switched stream's bytes go to its WebSocket analyzer.
    private func route(_ event: HTTP2Event, emit: (StreamAnalyzerEvent) -> Void) {
        switch event {
        case .streamSwitched(let exchange, let name):
            emit(.switchedStream(exchange, to: name))
            guard name.lowercased() == "websocket" else { return }  // another protocol's bytes are not decoded
            // RFC 8441 §5: the extensions are negotiated as over HTTP/1.1, in the 2xx's header.
            let extensions = exchange.response?.headers.values(for: "sec-websocket-extensions") ?? []
            var webSocket = WebSocketAnalyzer(
                start: .upgrade(deflate: PerMessageDeflate.negotiated(by: extensions)),
                limits: settings.bodies.webSocketLimits
            )
            webSocket.packetClock = settings.packetClock
            webSockets[exchange.streamID] = (webSocket, [])
        case .streamData(let id, let direction, let bytes, let time):
            webSockets[id]?.analyzer.receive(bytes, from: direction, at: time) { emit(.webSocket($0, streamID: id)) }
        case .streamGap(let id, let direction, let length, let time):
            webSockets[id]?.analyzer.gap(length, in: direction, at: time) { emit(.webSocket($0, streamID: id)) }
        case .streamEnded(let id, let direction, let time, let end):
            guard webSockets[id] != nil else { return }
            webSockets[id]?.analyzer.finish(direction, at: time, cause: end.description) { emit(.webSocket($0, streamID: id)) }
            webSockets[id]?.ended.insert(direction)
            if webSockets[id]?.ended.count == Direction.allCases.count { webSockets[id] = nil }
        case .exchange, .diagnostic:
            emit(.http2(event))
        }
    }
}
