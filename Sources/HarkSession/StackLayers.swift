import HarkCore
import HarkFastCGI
import HarkHTTP1
import HarkHTTP2
import HarkWebSocket

/// The HTTP/1 layer of a stack, mutated in place (see `StreamAnalyzer`).
final class HTTP1Layer {
    var analyzer: HTTP1Analyzer
    /// Whether the directions are swapped because the port heuristic picked the wrong client.
    let swapped: Bool
    /// What the layer was built with (a tunnel's inner stack inherits it).
    let settings: StackSettings

    init(swapped: Bool, settings: StackSettings) {
        self.analyzer = settings.bodies.http1Analyzer(packetClock: settings.packetClock)
        self.swapped = swapped
        self.settings = settings
    }
}

/// The stack inside a tunnel, mutated in place (see `StreamAnalyzer`).
final class TunnelLayer {
    var inner: StreamAnalyzer

    init(_ inner: StreamAnalyzer) {
        self.inner = inner
    }

    /// The deepest tunnel layer reached from this one through tunnels only, found by a loop so that
    /// delivery does not recurse once per level.
    var innermost: TunnelLayer {
        var layer = self
        while case .tunnel(let next) = layer.inner { layer = next }
        return layer
    }
}

/// The WebSocket analyzer of a connection, mutated in place (see `StreamAnalyzer`).
final class WebSocketLayer {
    var analyzer: WebSocketAnalyzer
    /// Whether the directions are swapped: mid-stream, the side reassembly took for the client sent
    /// unmasked (server) frames.
    let swapped: Bool

    init(_ analyzer: WebSocketAnalyzer, swapped: Bool) {
        self.analyzer = analyzer
        self.swapped = swapped
    }

    /// `event` with its direction as reassembly numbers it.
    func restoringDirection(_ event: WebSocketEvent) -> WebSocketEvent {
        guard swapped else { return event }
        switch event {
        case .message(var message):
            message.direction = message.direction.reversed
            return .message(message)
        case .diagnostic(var diagnostic):
            diagnostic.direction = diagnostic.direction.reversed
            return .diagnostic(diagnostic)
        }
    }
}

/// The FastCGI analyzer of a connection, mutated in place (see `StreamAnalyzer`).
final class FastCGILayer {
    var analyzer: FastCGIAnalyzer
    /// Whether the directions are swapped: the side reassembly took for the client sent the
    /// application's records.
    let swapped: Bool

    init(_ analyzer: FastCGIAnalyzer, swapped: Bool) {
        self.analyzer = analyzer
        self.swapped = swapped
    }

    /// `event` with its direction as reassembly numbers it.
    func restoringDirection(_ event: FastCGIEvent) -> FastCGIEvent {
        guard swapped, case .diagnostic(var diagnostic) = event else { return event }
        diagnostic.direction = diagnostic.direction.reversed
        return .diagnostic(diagnostic)
    }
}
