import HarkCore
import HarkHTTP2
import HarkTLS
import NIOCore

/// The TLS layer of a stack, mutated in place (see `StreamAnalyzer`): records are decrypted by the TLS
/// analyzer and the plaintext goes to an inner stack, chosen by ALPN (`h2`, `http/1.1`) or, when the
/// server chose none, by the plaintext's first bytes.
final class TLSLayer {
    var analyzer: TLSAnalyzer
    /// The stack for the decrypted bytes.
    var inner: StreamAnalyzer
    let settings: StackSettings
    /// Whether any plaintext came: until then the inner stack has nothing to detect, and gaps and
    /// ends are not its business.
    private var hasPlaintext = false

    init(settings: StackSettings) {
        self.analyzer = TLSAnalyzer(keyLog: settings.keyLog)
        self.inner = .start(midStream: false, settings: settings)
        self.settings = settings
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
            return .http2(HTTP2Layer(settings.bodies.http2Analyzer(start: .connectionStart)))
        case "http/1.1", "http/1.0":
            return .http1(HTTP1Layer(swapped: false, settings: settings))
        default:
            return nil
        }
    }
}
