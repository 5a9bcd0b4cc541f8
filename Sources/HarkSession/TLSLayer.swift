import HarkCore
import HarkHTTP2
import HarkTLS
import NIOCore

/// The TLS layer of a stack, mutated in place (see `StreamAnalyzer`): records are decrypted by the TLS
/// analyzer and the plaintext goes to an inner stack, chosen by ALPN (`h2`, `http/1.1`) or, when the
/// server chose none, by the plaintext's first bytes.
///
/// When the key log may still grow (`StackSettings.keyWait`), the connection's input is held until its
/// session's secrets are logged (see `HeldTLSInput`), then replayed into the analyzer.
final class TLSLayer {
    var analyzer: TLSAnalyzer
    /// The stack for the decrypted bytes.
    var inner: StreamAnalyzer
    let settings: StackSettings
    /// Whether any plaintext came: until then the inner stack has nothing to detect, and gaps and
    /// ends are not its business.
    private var hasPlaintext = false
    /// Input waiting for the session's secrets; nil once replayed, or when nothing waits for keys.
    private var held: HeldTLSInput?

    /// A TLS layer whose plaintext stack is built with `settings` (one layer deeper than the TLS layer:
    /// see `StackSettings.nested`).
    init(settings: StackSettings) {
        self.analyzer = TLSAnalyzer(keyLog: settings.keyLog)
        self.inner = .start(midStream: false, settings: settings)
        self.settings = settings
        self.held = settings.keyWait == nil ? nil : HeldTLSInput()
    }

    /// Whether input is held waiting for secrets.
    var isHolding: Bool { held != nil }

    func receive(_ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        if held != nil {
            held?.append(.data(direction, bytes, time, settings.packetClock.number))
            release(now: time, emit: emit)
        } else {
            analyzer.receive(bytes, from: direction, at: time) { handle($0, emit: emit) }
        }
    }

    func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        if held != nil {
            held?.append(.gap(direction, length, time))
            release(now: time, emit: emit)
        } else {
            analyzer.gap(length, in: direction, at: time) { handle($0, emit: emit) }
        }
    }

    func finish(_ direction: Direction, at time: Timestamp, emit: (StreamAnalyzerEvent) -> Void) {
        if held != nil {
            held?.append(.end(direction, time))
            release(now: time, emit: emit)
        } else {
            analyzer.finish(direction, at: time) { handle($0, emit: emit) }
        }
    }

    /// Replays held input into the analyzer when it is ready (or at once with `force`: the session
    /// ends); `now` is the latest time the session knows.
    func release(now: Timestamp?, force: Bool = false, emit: (StreamAnalyzerEvent) -> Void) {
        guard let waiting = held, let limits = settings.keyWait else { return }
        guard force || waiting.isReady(keyLog: settings.keyLog, limits: limits, now: now) else { return }
        held = nil
        for item in waiting.items {
            switch item {
            case .data(let direction, let bytes, let time, let packet):
                settings.packetClock.with(packet) {
                    analyzer.receive(bytes, from: direction, at: time) { handle($0, emit: emit) }
                }
            case .gap(let direction, let length, let time):
                analyzer.gap(length, in: direction, at: time) { handle($0, emit: emit) }
            case .end(let direction, let time):
                analyzer.finish(direction, at: time) { handle($0, emit: emit) }
            }
        }
    }

    /// Passes one TLS event on: the session up, plaintext into the inner stack.
    func handle(_ event: TLSEvent, emit: (StreamAnalyzerEvent) -> Void) {
        switch event {
        case .handshakeCompleted(let session):
            emit(.tlsSession(session))
            if session.decryption == .decrypted, case .detecting = inner {
                inner = Self.stack(forALPN: session.alpn, settings: settings) ?? inner
            }
        case .plaintext(let direction, let bytes, let time):
            hasPlaintext = true
            inner.receive(bytes, from: direction, at: time, emit: emit)
        case .plaintextGap(let direction, let length, let time):
            if hasPlaintext { inner.gap(length, in: direction, at: time, emit: emit) }
        case .closed(let direction, let time):
            if hasPlaintext { inner.finish(direction, at: time, emit: emit) }
        case .diagnostic(let diagnostic):
            emit(.tls(diagnostic))
        }
    }

    /// The stack ALPN names (RFC 7301: the server's choice binds the connection), or nil to detect
    /// from content.
    private static func stack(forALPN alpn: String?, settings: StackSettings) -> StreamAnalyzer? {
        guard settings.parsesMessages else { return .opaque }
        switch alpn {
        case "h2":
            return .http2(HTTP2Layer(settings.bodies.http2Analyzer(start: .connectionStart, packetClock: settings.packetClock), settings: settings))
        case "http/1.1", "http/1.0":
            return .http1(HTTP1Layer(swapped: false, settings: settings))
        default:
            return nil
        }
    }
}
