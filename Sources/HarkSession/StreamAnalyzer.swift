import HarkCore
import HarkFastCGI
import HarkHTTP1
import HarkHTTP2
import HarkModel
import HarkTLS
import HarkWebSocket
import NIOCore

/// What a stream analyzer reports upward to the session.
enum StreamAnalyzerEvent {
    /// The protocol carried was recognised (reported once per analyzer layer).
    case detected(ApplicationProtocol)
    /// An HTTP/1 upgrade switched the connection to another protocol, which replaces HTTP/1 as the
    /// connection's protocol (a CONNECT tunnel does not: its inner protocol is `detected`).
    case upgraded(ApplicationProtocol)
    /// The exchange answered by `101 Switching Protocols`, with the protocol it switched to (lower-cased).
    case switched(HTTP1Exchange, to: String)
    /// An HTTP/2 extended CONNECT (RFC 8441) switched a stream to another protocol (lower-cased as
    /// sent in `:protocol`); the exchange is whole at its 2xx response.
    case switchedStream(HTTP2Exchange, to: String)
    /// WebSocket found something: a message or a diagnostic, on the whole connection (nil) or on an
    /// HTTP/2 stream.
    case webSocket(WebSocketEvent, streamID: UInt32?)
    /// HTTP/1 found something: an exchange, an unpaired response, a diagnostic.
    case http1(HTTP1Event)
    /// HTTP/2 found something: a stream's exchange or a diagnostic.
    case http2(HTTP2Event)
    /// FastCGI found something: a request's exchange or a diagnostic.
    case fastCGI(FastCGIEvent)
    /// A TLS handshake completed: what it negotiated and whether the records are decrypted.
    case tlsSession(TLSSessionInfo)
    /// TLS found a problem: a record that failed authentication, bytes that are not TLS.
    case tls(TLSDiagnostic)
    /// A connection joined after its WebSocket upgrade masks its frames on the side reassembly took for
    /// the server (by port): that side is the client (RFC 6455 §5.1). Reported once, by the outermost
    /// stack, before the first message.
    case clientIsTheMaskingSide
    /// The stack stopped analysing part of the connection because a limit was reached (a tunnel nested
    /// deeper than `StackSettings.maxNesting`); the words say what was cut.
    case cut(String)
}

/// What every stack of a session is built with.
struct StackSettings {
    /// How HTTP bodies are kept, stored and content-decoded.
    var bodies = BodyHandling()
    /// Whether messages are parsed once the protocol is known (`SessionConfiguration.parsesMessages`);
    /// TLS handshakes are read either way, so that every TLS connection is described.
    var parsesMessages = true
    /// The TLS secrets, shared by every connection analysed on one thread (each analysing thread has a
    /// copy), growing as the capture's own secrets arrive.
    var keyLog = TLSKeyLog()
    /// The key log files given (read once or followed), to word why a session was not decrypted.
    var keyLogPaths: [String] = []
    /// Set when the key log may still grow (a followed key log): TLS input then waits for its secrets
    /// within these bounds.
    var keyWait: KeyWaitLimits?
    /// How many layers (CONNECT tunnels, decrypted TLS) this stack sits inside; 0 for a connection's own.
    var nesting = 0
    /// The number of the packet being analysed, shared by every stack of the session: analyzers note
    /// it where messages start and end, replays of held bytes set it to theirs.
    var packetClock = PacketClock()

    /// The deepest nesting analysed: a tunnel or TLS layer inside `maxNesting` others is not opened,
    /// its bytes are only counted and the cut is reported. A CONNECT inside a CONNECT inside a CONNECT
    /// is already exotic; without the cap a hostile capture nests thousands of levels, and delivery
    /// walks every level for every segment.
    static let maxNesting = 8

    /// The settings of a stack one layer further in; nil (with the cut reported) past `maxNesting`.
    func nested(_ what: String, emit: (StreamAnalyzerEvent) -> Void) -> StackSettings? {
        guard nesting < Self.maxNesting else {
            emit(.cut("\(what) nested inside \(Self.maxNesting) other layers: its bytes are not analysed"))
            return nil
        }
        var inner = self
        inner.nesting += 1
        return inner
    }
}

/// The protocol stack of one connection, in the spirit of Zeek's protocol identification analyzer:
/// bytes are held briefly until their first bytes say what they are, then go to that protocol's
/// analyzer; a CONNECT tunnel starts detection again inside it, and so does TLS once its records
/// are decrypted.
///
/// Detection is by content, never by port (STYLE.md §3a.5). A connection whose capture began
/// mid-stream may start inside a body, so for those the first 64 KiB are searched for an HTTP/1
/// message start before giving up.
///
/// The analyzers and inner stacks live in small classes (`HTTP1Layer`, `HTTP2Layer`, `TLSLayer`,
/// `TunnelLayer`) so that each delivery mutates them in place: taken out of the enum and put back,
/// the analyzer was copied while the enum still held it, and so was the body kept so far, on every
/// segment (quadratic in the body size). A stack belongs to one connection and is never copied.
enum StreamAnalyzer {
    /// Waiting for enough first bytes; holds what arrived so far, in order, and what to build the
    /// chosen analyzer with.
    case detecting(DetectionLog, StackSettings)
    /// HTTP/1.x, with the directions swapped when the port heuristic picked the wrong client.
    case http1(HTTP1Layer)
    /// HTTP/2: prior knowledge (the client preface) or after an h2c upgrade.
    case http2(HTTP2Layer)
    /// TLS records, decrypted when the key log has the session's secrets, with a stack for the plaintext.
    case tls(TLSLayer)
    /// Inside an HTTP/1 tunnel (after CONNECT or an upgrade): a fresh stack for the tunnelled bytes.
    case tunnel(TunnelLayer)
    /// WebSocket frames, after an upgrade or found by their shape mid-stream.
    case webSocket(WebSocketLayer)
    /// FastCGI records between a web server and an application server.
    case fastCGI(FastCGILayer)
    /// A protocol hark does not decode here; bytes are only counted.
    case opaque

    /// Bytes kept while searching a mid-stream connection for an HTTP/1 message start.
    static let searchLimit = 64 << 10

    /// A new stack; `midStream` when the capture missed the connection's start.
    static func start(midStream: Bool, settings: StackSettings = StackSettings()) -> StreamAnalyzer {
        .detecting(DetectionLog(midStream: midStream), settings)
    }

    /// The TLS session of the outermost TLS layer (inside a CONNECT tunnel too); nil without TLS.
    var tlsSession: TLSSessionInfo? {
        switch self {
        case .tls(let layer): layer.analyzer.session
        case .tunnel(let layer): layer.inner.tlsSession
        case .detecting, .http1, .http2, .webSocket, .fastCGI, .opaque: nil
        }
    }

    /// Whether a TLS layer holds input waiting for its secrets (see `TLSLayer`).
    var isHoldingForKeys: Bool {
        switch self {
        case .tls(let layer): layer.isHolding
        case .tunnel(let layer): layer.inner.isHoldingForKeys
        case .detecting, .http1, .http2, .webSocket, .fastCGI, .opaque: false
        }
    }

    /// Lets a TLS layer holding input replay it when its secrets came or its wait is over (`force`:
    /// now, as the session ends).
    func releaseHeldTLS(now: Timestamp?, force: Bool, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .tls(let layer): layer.release(now: now, force: force, emit: emit)
        case .tunnel(let layer): layer.inner.releaseHeldTLS(now: now, force: force, emit: emit)
        case .detecting, .http1, .http2, .webSocket, .fastCGI, .opaque: break
        }
    }

    mutating func receive(_ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log, let settings):
            self = .opaque
            log.append(.data(direction, copyOf(bytes), time, settings.packetClock.number))
            self = decide(log, settings: settings, emit: emit)
        case .http1(let layer):
            var tunnelled: [HTTP1TunnelItem] = []
            layer.analyzer.receive(bytes, from: layer.swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: layer.swapped, clock: layer.settings.packetClock, tunnelled: &tunnelled, emit: emit)
            }
            forward(tunnelled, settings: layer.settings, emit: emit)
        case .http2(let layer):
            layer.receive(bytes, from: direction, at: time, emit: emit)
        case .tls(let layer):
            layer.receive(bytes, from: direction, at: time, emit: emit)
        case .tunnel(let layer):
            layer.innermost.inner.receive(bytes, from: direction, at: time, emit: emit)
        case .webSocket(let layer):
            layer.analyzer.receive(bytes, from: layer.swapped ? direction.reversed : direction, at: time) {
                emit(.webSocket(layer.restoringDirection($0), streamID: nil))
            }
        case .fastCGI(let layer):
            layer.analyzer.receive(bytes, from: layer.swapped ? direction.reversed : direction, at: time) {
                emit(.fastCGI(layer.restoringDirection($0)))
            }
        case .opaque:
            break
        }
    }

    mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log, let settings):
            self = .opaque
            log.append(.gap(direction, length, time))
            self = .detecting(log, settings)
        case .http1(let layer):
            var tunnelled: [HTTP1TunnelItem] = []
            layer.analyzer.gap(length, in: layer.swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: layer.swapped, clock: layer.settings.packetClock, tunnelled: &tunnelled, emit: emit)
            }
            forward(tunnelled, settings: layer.settings, emit: emit)
        case .http2(let layer):
            layer.gap(length, in: direction, at: time, emit: emit)
        case .tls(let layer):
            layer.gap(length, in: direction, at: time, emit: emit)
        case .tunnel(let layer):
            layer.innermost.inner.gap(length, in: direction, at: time, emit: emit)
        case .webSocket(let layer):
            layer.analyzer.gap(length, in: layer.swapped ? direction.reversed : direction, at: time) {
                emit(.webSocket(layer.restoringDirection($0), streamID: nil))
            }
        case .fastCGI(let layer):
            layer.analyzer.gap(length, in: layer.swapped ? direction.reversed : direction, at: time) {
                emit(.fastCGI(layer.restoringDirection($0)))
            }
        case .opaque:
            break
        }
    }

    mutating func finish(_ direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        switch self {
        case .detecting(var log, let settings):
            // Too little was seen to decide: try the bytes as they are.
            self = .opaque
            log.isFinal = true
            log.append(.end(direction, time))
            self = decide(log, settings: settings, emit: emit)
        case .http1(let layer):
            var tunnelled: [HTTP1TunnelItem] = []
            layer.analyzer.finish(layer.swapped ? direction.reversed : direction, at: time) { event in
                route(event, swapped: layer.swapped, clock: layer.settings.packetClock, tunnelled: &tunnelled, emit: emit)
            }
            forward(tunnelled, settings: layer.settings, emit: emit)
        case .http2(let layer):
            layer.finish(direction, at: time, emit: emit)
        case .tls(let layer):
            layer.finish(direction, at: time, emit: emit)
        case .tunnel(let layer):
            layer.innermost.inner.finish(direction, at: time, emit: emit)
        case .webSocket(let layer):
            layer.analyzer.finish(layer.swapped ? direction.reversed : direction, at: time) {
                emit(.webSocket(layer.restoringDirection($0), streamID: nil))
            }
        case .fastCGI(let layer):
            layer.analyzer.finish(layer.swapped ? direction.reversed : direction, at: time) {
                emit(.fastCGI(layer.restoringDirection($0)))
            }
        case .opaque:
            break
        }
    }

    // MARK: - Detection

    /// Decides what the logged bytes are, or keeps waiting. Without `parsesMessages`, a verdict other
    /// than TLS ends the analysis: the stack turns opaque.
    private func decide(_ log: DetectionLog, settings: StackSettings, emit: (StreamAnalyzerEvent) -> Void) -> StreamAnalyzer {
        switch log.verdict() {
        case .waiting:
            return .detecting(log, settings)
        case .protocol(.tls):
            emit(.detected(.tls))
            guard let inner = settings.nested("TLS", emit: emit) else { return .opaque }
            return replay(log, clock: settings.packetClock, into: .tls(TLSLayer(settings: inner)), emit: emit)
        case .tlsMidRecord(let clientSkip, let serverSkip):
            emit(.detected(.tls))
            guard let inner = settings.nested("TLS", emit: emit) else { return .opaque }
            let layer = TLSLayer(settings: inner)
            let time = log.firstTime
            for (direction, skip) in [(Direction.clientToServer, clientSkip), (.serverToClient, serverSkip)] {
                layer.analyzer.joinMidRecord(skipping: skip, in: direction, at: time) { layer.handle($0, emit: emit) }
            }
            return replay(log, clock: settings.packetClock, into: .tls(layer), emit: emit)
        case .http2MidConnection where !settings.parsesMessages:
            emit(.detected(.http2))
            return .opaque
        case .http2MidConnection:
            emit(.detected(.http2))
            return replay(log, clock: settings.packetClock, into: .http2(HTTP2Layer(settings.bodies.http2Analyzer(start: .midConnection, packetClock: settings.packetClock), settings: settings)), emit: emit)
        case .protocol(let found) where !settings.parsesMessages:
            emit(.detected(found))
            return .opaque
        case .http1(let swapped) where !settings.parsesMessages:
            emit(.detected(.http1))
            // An upgrade request is still followed to its answer, so the connection can say what it
            // switched to (`ws`, `h2`); nothing else is parsed.
            guard log.clientRequestsUpgrade else { return .opaque }
            return replay(log, clock: settings.packetClock, into: .http1(HTTP1Layer(swapped: swapped, settings: settings)), emit: emit)
        case .protocol(.http2):
            emit(.detected(.http2))
            return replay(log, clock: settings.packetClock, into: .http2(HTTP2Layer(settings.bodies.http2Analyzer(start: .connectionStart, packetClock: settings.packetClock), settings: settings)), emit: emit)
        case .protocol(let found):
            emit(.detected(found))
            return .opaque
        case .http1(let swapped):
            emit(.detected(.http1))
            return replay(log, clock: settings.packetClock, into: .http1(HTTP1Layer(swapped: swapped, settings: settings)), emit: emit)
        case .webSocket(let swapped) where !settings.parsesMessages:
            emit(.detected(.webSocket))
            if swapped, settings.nesting == 0 { emit(.clientIsTheMaskingSide) }
            return .opaque
        case .webSocket(let swapped):
            emit(.detected(.webSocket))
            if swapped, settings.nesting == 0 { emit(.clientIsTheMaskingSide) }
            var analyzer = WebSocketAnalyzer(start: .midStream, limits: settings.bodies.webSocketLimits)
            analyzer.packetClock = settings.packetClock
            let layer = WebSocketLayer(analyzer, swapped: swapped)
            return replay(log, clock: settings.packetClock, into: .webSocket(layer), emit: emit)
        case .fastCGI where !settings.parsesMessages:
            emit(.detected(.fastCGI))
            return .opaque
        case .fastCGI(let swapped):
            emit(.detected(.fastCGI))
            var analyzer = settings.bodies.fastCGIAnalyzer()
            analyzer.packetClock = settings.packetClock
            let layer = FastCGILayer(analyzer, swapped: swapped)
            return replay(log, clock: settings.packetClock, into: .fastCGI(layer), emit: emit)
        }
    }

    /// Feeds what detection held, in order, into the chosen stack.
    private func replay(
        _ log: DetectionLog, clock: PacketClock, into chosen: StreamAnalyzer, emit: (StreamAnalyzerEvent) -> Void
    ) -> StreamAnalyzer {
        var stack = chosen
        for item in log.items {
            switch item {
            case .data(let direction, let bytes, let time, let packet):
                clock.with(packet) { stack.receive(bytes, from: direction, at: time, emit: emit) }
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
        clock: PacketClock,
        tunnelled: inout [HTTP1TunnelItem],
        emit: (StreamAnalyzerEvent) -> Void
    ) {
        switch event {
        case .tunnelOpened(let tunnel):
            tunnelled.append(.opened(tunnel))
            emit(.http1(event))
        case .tunnelData(let direction, let bytes, let time):
            tunnelled.append(.data(swapped ? direction.reversed : direction, bytes, time, clock.number))
        case .tunnelGap(let direction, let length, let time):
            tunnelled.append(.gap(swapped ? direction.reversed : direction, length, time))
        case .tunnelClosed(let direction, let time):
            tunnelled.append(.closed(swapped ? direction.reversed : direction, time))
        case .exchange(let exchange) where exchange.response?.status == .switchingProtocols:
            // Held until the tunnel opens, so the exchange can say what the connection switched to.
            tunnelled.append(.switching(exchange))
        case .exchange:
            emit(.http1(event))
        case .unpairedResponse, .diagnostic:
            emit(.http1(event))
        }
    }

    /// Feeds tunnel events into the inner stack, creating it when the tunnel opens (with the HTTP/1
    /// layer's settings).
    private mutating func forward(_ items: [HTTP1TunnelItem], settings: StackSettings, emit: (StreamAnalyzerEvent) -> Void) {
        var switching: HTTP1Exchange?
        defer {
            // A 101 that opened no tunnel is still an exchange.
            if let switching { emit(.http1(.exchange(switching))) }
        }
        for item in items {
            switch item {
            case .switching(let exchange):
                if let held = switching { emit(.http1(.exchange(held))) }
                switching = exchange
            case .opened(let tunnel):
                let lastSwitched = switching
                if case .upgrade(let name) = tunnel.kind, let exchange = switching {
                    emit(.switched(exchange, to: name?.lowercased() ?? "an unnamed protocol"))
                }
                switching = nil
                switch tunnel.kind {
                case .connect:
                    let inner = settings.nested("A CONNECT tunnel", emit: emit)
                    self = .tunnel(TunnelLayer(inner.map { .start(midStream: false, settings: $0) } ?? .opaque))
                case .upgrade(let name?) where name.lowercased() == "h2c" && !settings.parsesMessages:
                    emit(.upgraded(.http2))
                    self = .tunnel(TunnelLayer(.opaque))
                case .upgrade(let name?) where name.lowercased() == "h2c":
                    // RFC 9113 §3.1 (RFC 7540 §3.2): the upgrade request becomes stream 1.
                    emit(.upgraded(.http2))
                    let analyzer = lastSwitched.map(\.request).map { request in
                        var upgrade = HTTP2Request.upgrade(
                            method: request.method,
                            target: request.target,
                            headers: request.headers,
                            firstByteTime: request.span.firstByteTime,
                            lastByteTime: request.span.lastByteTime
                        )
                        (upgrade.firstPacket, upgrade.lastPacket) = (request.span.firstPacket, request.span.lastPacket)
                        return settings.bodies.http2Analyzer(upgradedFrom: upgrade, packetClock: settings.packetClock)
                    } ?? settings.bodies.http2Analyzer(start: .connectionStart, packetClock: settings.packetClock)
                    self = .tunnel(TunnelLayer(.http2(HTTP2Layer(analyzer, settings: settings))))
                case .upgrade(let name?) where name.lowercased() == "websocket":
                    emit(.upgraded(.webSocket))
                    guard settings.parsesMessages else {
                        self = .tunnel(TunnelLayer(.opaque))
                        break
                    }
                    let extensions = lastSwitched?.response?.headers.values(for: "Sec-WebSocket-Extensions") ?? []
                    var analyzer = WebSocketAnalyzer(
                        start: .upgrade(deflate: PerMessageDeflate.negotiated(by: extensions)),
                        limits: settings.bodies.webSocketLimits
                    )
                    analyzer.packetClock = settings.packetClock
                    self = .tunnel(TunnelLayer(.webSocket(WebSocketLayer(analyzer, swapped: false))))
                case .upgrade:
                    self = .tunnel(TunnelLayer(.opaque))
                }
            case .data(let direction, let bytes, let time, let packet):
                if case .tunnel(let layer) = self {
                    settings.packetClock.with(packet) { layer.inner.receive(bytes, from: direction, at: time, emit: emit) }
                }
            case .gap(let direction, let length, let time):
                if case .tunnel(let layer) = self {
                    layer.inner.gap(length, in: direction, at: time, emit: emit)
                }
            case .closed(let direction, let time):
                if case .tunnel(let layer) = self {
                    layer.inner.finish(direction, at: time, emit: emit)
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
    /// The exchange answered by `101 Switching Protocols`: an h2c upgrade makes its request HTTP/2
    /// stream 1, a WebSocket upgrade's response says what was negotiated.
    case switching(HTTP1Exchange)
    case opened(HTTP1Tunnel)
    /// Bytes, their capture time and the number of their packet (HTTP/1 may have held them).
    case data(Direction, ByteBuffer, Timestamp, Int)
    case gap(Direction, Int, Timestamp)
    case closed(Direction, Timestamp)
}
