import HarkCore
import HarkHTTP1
import HarkHTTP2
import HarkModel
import NIOCore

/// What a stream analyzer reports upward to the session.
enum StreamAnalyzerEvent {
    /// The protocol carried was recognised (reported once per analyzer layer).
    case detected(ApplicationProtocol)
    /// HTTP/1 found something: an exchange, an unpaired response, a diagnostic.
    case http1(HTTP1Event)
    /// HTTP/2 found something: a stream's exchange or a diagnostic.
    case http2(HTTP2Event)
}

/// The protocol stack of one connection, in the spirit of Zeek's protocol identification analyzer:
/// bytes are held briefly until their first bytes say what they are, then go to that protocol's
/// analyzer; a CONNECT tunnel starts detection again inside it.
///
/// Detection is by content, never by port (STYLE.md §3a.5). A connection whose capture began
/// mid-stream may start inside a body, so for those the first 64 KiB are searched for an HTTP/1
/// message start before giving up.
indirect enum StreamAnalyzer {
    /// Waiting for enough first bytes; holds what arrived so far, in order.
    case detecting(DetectionLog)
    /// HTTP/1.x, with the directions swapped when the port heuristic picked the wrong client.
    case http1(HTTP1Analyzer, swapped: Bool)
    /// HTTP/2: prior knowledge (the client preface) or after an h2c upgrade.
    case http2(HTTP2Analyzer)
    /// Inside an HTTP/1 tunnel (after CONNECT or an upgrade): a fresh stack for the tunnelled bytes.
    case tunnel(StreamAnalyzer)
    /// A protocol hark does not decode here; bytes are only counted.
    case opaque

    /// Bytes kept while searching a mid-stream connection for an HTTP/1 message start.
    static let searchLimit = 64 << 10

    /// A new stack; `midStream` when the capture missed the connection's start.
    static func start(midStream: Bool) -> StreamAnalyzer {
        .detecting(DetectionLog(midStream: midStream))
    }

    mutating func receive(_ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log):
            self = .opaque
            log.append(.data(direction, copyOf(bytes), time))
            self = decide(log, emit: emit)
        case .http1(var analyzer, let swapped):
            self = .opaque
            var tunnelled: [HTTP1TunnelItem] = []
            analyzer.receive(bytes, from: swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: swapped, tunnelled: &tunnelled, emit: emit)
            }
            self = .http1(analyzer, swapped: swapped)
            forward(tunnelled, emit: emit)
        case .http2(var analyzer):
            self = .opaque
            analyzer.receive(bytes, from: direction, at: time) { emit(.http2($0)) }
            self = .http2(analyzer)
        case .tunnel(var inner):
            self = .opaque
            inner.receive(bytes, from: direction, at: time, emit: emit)
            self = .tunnel(inner)
        case .opaque:
            break
        }
    }

    mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log):
            self = .opaque
            log.append(.gap(direction, length, time))
            self = .detecting(log)
        case .http1(var analyzer, let swapped):
            self = .opaque
            var tunnelled: [HTTP1TunnelItem] = []
            analyzer.gap(length, in: swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: swapped, tunnelled: &tunnelled, emit: emit)
            }
            self = .http1(analyzer, swapped: swapped)
            forward(tunnelled, emit: emit)
        case .http2(var analyzer):
            self = .opaque
            analyzer.gap(length, in: direction, at: time) { emit(.http2($0)) }
            self = .http2(analyzer)
        case .tunnel(var inner):
            self = .opaque
            inner.gap(length, in: direction, at: time, emit: emit)
            self = .tunnel(inner)
        case .opaque:
            break
        }
    }

    mutating func finish(_ direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log):
            // Too little was seen to decide: try the bytes as they are.
            self = .opaque
            log.isFinal = true
            log.append(.end(direction, time))
            self = decide(log, emit: emit)
        case .http1(var analyzer, let swapped):
            self = .opaque
            var tunnelled: [HTTP1TunnelItem] = []
            analyzer.finish(swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: swapped, tunnelled: &tunnelled, emit: emit)
            }
            self = .http1(analyzer, swapped: swapped)
            forward(tunnelled, emit: emit)
        case .http2(var analyzer):
            self = .opaque
            analyzer.finish(direction, at: time) { emit(.http2($0)) }
            self = .http2(analyzer)
        case .tunnel(var inner):
            self = .opaque
            inner.finish(direction, at: time, emit: emit)
            self = .tunnel(inner)
        case .opaque:
            break
        }
    }

    // MARK: - Detection

    /// Decides what the logged bytes are, or keeps waiting.
    private func decide(_ log: DetectionLog, emit: (StreamAnalyzerEvent) -> Void) -> StreamAnalyzer {
        switch log.verdict() {
        case .waiting:
            return .detecting(log)
        case .protocol(.http2):
            emit(.detected(.http2))
            return replay(log, into: .http2(HTTP2Analyzer(start: .connectionStart)), emit: emit)
        case .protocol(let found):
            emit(.detected(found))
            return .opaque
        case .http1(let swapped):
            emit(.detected(.http1))
            return replay(log, into: .http1(HTTP1Analyzer(), swapped: swapped), emit: emit)
        }
    }

    /// Feeds what detection held, in order, into the chosen stack.
    private func replay(_ log: DetectionLog, into chosen: StreamAnalyzer, emit: (StreamAnalyzerEvent) -> Void) -> StreamAnalyzer {
        var stack = chosen
        for item in log.items {
            switch item {
            case .data(let direction, let bytes, let time): stack.receive(bytes, from: direction, at: time, emit: emit)
            case .gap(let direction, let length, let time): stack.gap(length, in: direction, at: time, emit: emit)
            case .end(let direction, let time): stack.finish(direction, at: time, emit: emit)
            }
        }
        return stack
    }

    // MARK: - Tunnels

    /// Passes HTTP/1 events up, putting directions back, and collects tunnel events for the inner stack.
    private func route(
        _ event: HTTP1Event,
        swapped: Bool,
        tunnelled: inout [HTTP1TunnelItem],
        emit: (StreamAnalyzerEvent) -> Void
    ) {
        switch event {
        case .tunnelOpened(let tunnel):
            tunnelled.append(.opened(tunnel))
            emit(.http1(event))
        case .tunnelData(let direction, let bytes, let time):
            tunnelled.append(.data(swapped ? direction.reversed : direction, bytes, time))
        case .tunnelGap(let direction, let length, let time):
            tunnelled.append(.gap(swapped ? direction.reversed : direction, length, time))
        case .tunnelClosed(let direction, let time):
            tunnelled.append(.closed(swapped ? direction.reversed : direction, time))
        case .exchange(let exchange):
            if exchange.response?.status == .switchingProtocols {
                tunnelled.append(.switchingRequest(exchange.request))
            }
            emit(.http1(event))
        case .unpairedResponse, .diagnostic:
            emit(.http1(event))
        }
    }

    /// Feeds tunnel events into the inner stack, creating it when the tunnel opens.
    private mutating func forward(_ items: [HTTP1TunnelItem], emit: (StreamAnalyzerEvent) -> Void) {
        var switchingRequest: HTTP1Request?
        for item in items {
            switch item {
            case .switchingRequest(let request):
                switchingRequest = request
            case .opened(let tunnel):
                switch tunnel.kind {
                case .connect:
                    self = .tunnel(.start(midStream: false))
                case .upgrade(let name?) where name.lowercased() == "h2c":
                    // RFC 9113 §3.1 (RFC 7540 §3.2): the upgrade request becomes stream 1.
                    emit(.detected(.http2))
                    let analyzer = switchingRequest.map { request in
                        HTTP2Analyzer(upgradedFrom: HTTP2Request.upgrade(
                            method: request.method,
                            target: request.target,
                            headers: request.headers,
                            firstByteTime: request.span.firstByteTime,
                            lastByteTime: request.span.lastByteTime
                        ))
                    } ?? HTTP2Analyzer(start: .connectionStart)
                    self = .tunnel(.http2(analyzer))
                case .upgrade(let name?) where name.lowercased() == "websocket":
                    emit(.detected(.webSocket))
                    self = .tunnel(.opaque)
                case .upgrade:
                    self = .tunnel(.opaque)
                }
            case .data(let direction, let bytes, let time):
                if case .tunnel(var inner) = self {
                    self = .opaque
                    inner.receive(bytes, from: direction, at: time, emit: emit)
                    self = .tunnel(inner)
                }
            case .gap(let direction, let length, let time):
                if case .tunnel(var inner) = self {
                    self = .opaque
                    inner.gap(length, in: direction, at: time, emit: emit)
                    self = .tunnel(inner)
                }
            case .closed(let direction, let time):
                if case .tunnel(var inner) = self {
                    self = .opaque
                    inner.finish(direction, at: time, emit: emit)
                    self = .tunnel(inner)
                }
            }
        }
    }

    private func copyOf(_ bytes: ByteBuffer) -> ByteBuffer {
        var copy = ByteBufferAllocator().buffer(capacity: bytes.readableBytes)
        copy.writeImmutableBuffer(bytes)
        return copy
    }
}

/// Tunnel events from HTTP/1, replayed into the tunnel's own stack after the HTTP/1 call returns.
private enum HTTP1TunnelItem {
    /// The request answered by `101 Switching Protocols`: an h2c upgrade makes it HTTP/2 stream 1.
    case switchingRequest(HTTP1Request)
    case opened(HTTP1Tunnel)
    case data(Direction, ByteBuffer, Timestamp)
    case gap(Direction, Int, Timestamp)
    case closed(Direction, Timestamp)
}
