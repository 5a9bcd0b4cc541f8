import HarkHTTP1
import HarkHTTP2

/// The HTTP/1 layer of a stack, mutated in place (see `StreamAnalyzer`).
final class HTTP1Layer {
    var analyzer: HTTP1Analyzer
    /// Whether the directions are swapped because the port heuristic picked the wrong client.
    let swapped: Bool
    /// What the layer was built with (a tunnel's inner stack inherits it).
    let settings: StackSettings

    init(swapped: Bool, settings: StackSettings) {
        self.analyzer = settings.bodies.http1Analyzer()
        self.swapped = swapped
        self.settings = settings
    }
}

/// The HTTP/2 analyzer of a connection, mutated in place (see `StreamAnalyzer`).
final class HTTP2Layer {
    var analyzer: HTTP2Analyzer

    init(_ analyzer: HTTP2Analyzer) {
        self.analyzer = analyzer
    }
}

/// The stack inside a tunnel, mutated in place (see `StreamAnalyzer`).
final class TunnelLayer {
    var inner: StreamAnalyzer

    init(_ inner: StreamAnalyzer) {
        self.inner = inner
    }
}
