import HarkModel
import HarkCore
import NIOCore

/// Recognises a connection's protocol from the first bytes of either direction.
///
/// Checks follow STYLE.md §3a.5: TLS record header, then the HTTP/2 preface, then an HTTP/1 request
/// line or status line. A verdict needs only the first few bytes; `undecided` asks for more.
enum ProtocolDetector {
    enum Verdict: Equatable {
        case detected(ApplicationProtocol)
        case undecided
    }

    /// The client connection preface of RFC 9113 §3.4.
    static let http2Preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Request methods of RFC 9110 §9 and WebDAV, plus common extensions; matched with a following space.
    private static let methods: [[UInt8]] = [
        "GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PROPFIND", "PROPPATCH",
        "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH", "PURGE", "MKCALENDAR", "SUBSCRIBE",
    ].map { Array($0.utf8) + [UInt8(ascii: " ")] }

    /// Examines the first bytes a direction delivered.
    static func classify(_ bytes: ByteBuffer) -> Verdict {
        let view = skippingEmptyLines(bytes.readableBytesView)
        guard let first = view.first else {
            return bytes.readableBytes < emptyLineLimit ? .undecided : .detected(.unknown)
        }
        // TLS: handshake (22) or alert (21) or application data (23) record, major version 3.
        if first >= 0x14, first <= 0x17 {
            guard view.count >= 3 else { return .undecided }
            let versionMajor = view[view.startIndex + 1]
            let versionMinor = view[view.startIndex + 2]
            if versionMajor == 3, versionMinor <= 4 { return .detected(.tls) }
        }
        switch prefixMatch(view, http2Preface) {
        case .match: return .detected(.http2)
        case .partial: return .undecided
        case .mismatch: break
        }
        switch prefixMatch(view, Array("HTTP/".utf8)) {
        case .match: return .detected(.http1)
        case .partial: return .undecided
        case .mismatch: break
        }
        var partial = false
        for method in methods {
            switch prefixMatch(view, method) {
            case .match: return .detected(.http1)
            case .partial: partial = true
            case .mismatch: continue
            }
        }
        if partial { return .undecided }
        return looksLikeRequestLine(view)
    }

    /// An extension method (`CCM_POST`, `M-SEARCH`): a token, a space, and a first line ending in
    /// `HTTP/1.x`. Undecided until the line ends, up to 8 KiB.
    private static func looksLikeRequestLine(_ view: ByteBufferView) -> Verdict {
        guard let space = view.firstIndex(of: UInt8(ascii: " ")), space > view.startIndex,
            view[view.startIndex..<space].allSatisfy(ASCII.isTokenChar)
        else { return .detected(.unknown) }
        guard let lineEnd = view[space...].firstIndex(of: UInt8(ascii: "\n")) else {
            return view.count < 8192 ? .undecided : .detected(.unknown)
        }
        var line = view[space..<lineEnd]
        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
        let version = Array("HTTP/1.".utf8)
        guard line.count > version.count else { return .detected(.unknown) }
        let tail = line.suffix(version.count + 1).dropLast()
        return tail.elementsEqual(version) ? .detected(.http1) : .detected(.unknown)
    }

    /// How many leading CR and LF bytes are skipped before a direction counts as not HTTP.
    static let emptyLineLimit = 8192

    /// `view` without leading CR and LF bytes. RFC 9112 §2.2: "a server that is expecting to receive and
    /// parse a request-line SHOULD ignore at least one empty line (CRLF) received prior to the
    /// request-line"; senders leave stray line ends after a message, which then start the next bytes
    /// (a CONNECT tunnel's, for one). No TLS record or HTTP/2 preface starts with CR or LF.
    static func skippingEmptyLines(_ view: ByteBufferView) -> ByteBufferView {
        let start = view.firstIndex { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") } ?? view.endIndex
        return view[start...]
    }

    private enum PrefixMatch { case match, partial, mismatch }

    /// Whether `view` starts with `prefix`, could still (too short), or cannot.
    private static func prefixMatch(_ view: ByteBufferView, _ prefix: [UInt8]) -> PrefixMatch {
        let count = min(view.count, prefix.count)
        guard view.prefix(count).elementsEqual(prefix.prefix(count)) else { return .mismatch }
        return count == prefix.count ? .match : .partial
    }
}
