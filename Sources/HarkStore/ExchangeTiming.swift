public import HarkCore
public import HarkModel

/// When each phase of an exchange began and ended, from the packets, as Chrome's Timing tab and HAR's
/// `timings` split it: connect (the TCP handshake, on a connection's first exchange only), TLS (inside
/// connect), send, wait, receive.
public struct ExchangeTiming: Sendable, Hashable {
    /// HAR's `startedDateTime`: the SYN for a connection's first exchange, else the first request byte.
    public var start: Timestamp
    /// The end of the TCP handshake, when this exchange waited for it.
    public var connectEnd: Timestamp?
    /// The TLS handshake (ClientHello to its end), when this exchange waited for it.
    public var tlsStart: Timestamp?
    public var tlsEnd: Timestamp?
    /// First and last request byte.
    public var requestStart: Timestamp
    public var requestEnd: Timestamp
    /// First and last byte of the final response, when captured.
    public var responseStart: Timestamp?
    public var responseEnd: Timestamp?

    /// The timing of `exchange`, with HAR's rules for the handshakes.
    public init(_ exchange: Exchange) {
        let handshake = exchange.connection.handshake
        start = handshake?.synTime ?? exchange.request.firstByte
        connectEnd = handshake?.completedTime
        if let handshake, let tls = exchange.connection.tls, let tlsStart = tls.clientHelloTime,
            let tlsEnd = tls.handshakeCompletedTime, tlsEnd >= handshake.completedTime
        {
            self.tlsStart = tlsStart
            self.tlsEnd = tlsEnd
            connectEnd = tlsEnd
        }
        requestStart = exchange.request.firstByte
        requestEnd = exchange.request.lastByte
        responseStart = exchange.response?.firstByte
        responseEnd = exchange.response?.lastByte
    }

    init(
        start: Timestamp, connectEnd: Timestamp?, tlsStart: Timestamp?, tlsEnd: Timestamp?, requestStart: Timestamp,
        requestEnd: Timestamp, responseStart: Timestamp?, responseEnd: Timestamp?
    ) {
        self.start = start
        self.connectEnd = connectEnd
        self.tlsStart = tlsStart
        self.tlsEnd = tlsEnd
        self.requestStart = requestStart
        self.requestEnd = requestEnd
        self.responseStart = responseStart
        self.responseEnd = responseEnd
    }

    /// Request start to response end (or request end when there is no response), as `Exchange.duration`.
    public var duration: TimeSpan { (responseEnd ?? requestEnd).since(requestStart) }

    /// From `start` to the last byte seen.
    public var total: TimeSpan { (responseEnd ?? requestEnd).since(start) }

    /// The phases in order, each with its bounds; phases that did not happen are left out.
    public var phases: [(phase: ExchangePhase, from: Timestamp, to: Timestamp)] {
        var result: [(phase: ExchangePhase, from: Timestamp, to: Timestamp)] = []
        if let connectEnd {
            result.append((.connect, start, tlsStart ?? connectEnd))
            if let tlsStart, let tlsEnd { result.append((.tls, tlsStart, tlsEnd)) }
        }
        result.append((.send, requestStart, max(requestStart, requestEnd)))
        if let responseStart, let responseEnd {
            result.append((.wait, requestEnd, max(requestEnd, responseStart)))
            result.append((.receive, responseStart, max(responseStart, responseEnd)))
        }
        return result
    }
}

/// A phase of an exchange's timing.
public enum ExchangePhase: String, Sendable, Hashable, CaseIterable {
    case connect, tls, send, wait, receive
}
