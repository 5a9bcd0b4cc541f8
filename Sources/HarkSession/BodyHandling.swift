import HarkCore
import HarkFastCGI
import HarkHTTP1
import HarkHTTP2
import HarkHTTP3
import HarkWebSocket

/// How a connection's HTTP analyzers treat bodies, taken from `SessionConfiguration` and handed down
/// the protocol stack (a tunnel's inner stack inherits it).
struct BodyHandling: Hashable, Sendable {
    /// Whether body bytes are kept (`SessionConfiguration.keepsBodies`).
    var keepsBodies = true
    /// Whether content codings are undone (`SessionConfiguration.decodesContent`).
    var decodesContent = true
    /// The cap on each body's decoded bytes (`SessionConfiguration.maxDecodedBodyBytes`); nil for the
    /// analyzers' default.
    var maxDecodedBodyBytes: Int?
    /// How kept bodies are stored (`SessionConfiguration.bodyStorage`).
    var storage = BodyStorageLimits()
    /// The budget of the requests waiting for responses (`SessionConfiguration.maxWaitingRequestBytes`),
    /// shared by the session's HTTP/1, HTTP/2, HTTP/3 and FastCGI analyzers; nil for none.
    var waitingRequests: ByteBudget?

    /// A new HTTP/1 analyzer treating bodies this way, noting packets from `packetClock`.
    func http1Analyzer(packetClock: PacketClock) -> HTTP1Analyzer {
        var limits = HTTP1Limits(waitingRequests: waitingRequests, bodyStorage: storage)
        if !keepsBodies { limits.maxBodyBytes = 0 }
        if let maxDecodedBodyBytes { limits.maxDecodedBodyBytes = maxDecodedBodyBytes }
        return HTTP1Analyzer(limits: limits, decodesContent: decodesContent, packetClock: packetClock)
    }

    /// A new HTTP/2 analyzer treating bodies this way, noting packets from `packetClock`.
    func http2Analyzer(start: HTTP2Analyzer.Start, packetClock: PacketClock) -> HTTP2Analyzer {
        var analyzer = HTTP2Analyzer(start: start, limits: http2Limits, decodesContent: decodesContent)
        analyzer.packetClock = packetClock
        return analyzer
    }

    /// A new HTTP/2 analyzer for a connection upgraded by `request` (h2c), treating bodies this way.
    func http2Analyzer(upgradedFrom request: HTTP2Request, packetClock: PacketClock) -> HTTP2Analyzer {
        var analyzer = HTTP2Analyzer(upgradedFrom: request, limits: http2Limits, decodesContent: decodesContent)
        analyzer.packetClock = packetClock
        return analyzer
    }

    /// A new HTTP/3 analyzer treating bodies this way, noting packets from `packetClock`.
    func http3Analyzer(packetClock: PacketClock) -> HTTP3Analyzer {
        var limits = HTTP3Limits(bodyStorage: storage)
        limits.waitingRequests = waitingRequests
        if !keepsBodies { limits.maxBodyBytes = 0 }
        var analyzer = HTTP3Analyzer(limits: limits, decodesContent: decodesContent)
        analyzer.packetClock = packetClock
        return analyzer
    }

    /// What a WebSocket analyzer keeps of message payloads.
    var webSocketLimits: WebSocketLimits {
        var limits = WebSocketLimits(storage: storage)
        if !keepsBodies {
            // Only the start, for the trace line's preview, and no word about the cut.
            limits.maxMessageBytes = Self.messagePreviewBytes
            limits.reportsCutMessages = false
        }
        return limits
    }

    /// A new FastCGI analyzer treating bodies this way (a CGI response's `Content-Encoding` is undone
    /// as an HTTP body's is).
    func fastCGIAnalyzer() -> FastCGIAnalyzer {
        var limits = FastCGILimits(maxBodyBytes: keepsBodies ? 1 << 30 : 0, bodyStorage: storage, waitingRequests: waitingRequests)
        if let maxDecodedBodyBytes { limits.maxDecodedBodyBytes = maxDecodedBodyBytes }
        return FastCGIAnalyzer(limits: limits, decodesContent: decodesContent)
    }

    /// Bytes of each message kept when bodies are not: enough for a trace line's preview and a filter.
    static let messagePreviewBytes = 256

    private var http2Limits: HTTP2Limits {
        var limits = HTTP2Limits(bodyStorage: storage, waitingRequests: waitingRequests)
        if !keepsBodies { limits.maxBodyBytes = 0 }
        if let maxDecodedBodyBytes { limits.maxDecodedBodyBytes = maxDecodedBodyBytes }
        return limits
    }
}
