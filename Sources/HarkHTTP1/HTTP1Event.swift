public import HarkCore
public import NIOCore

/// What an `HTTP1Analyzer` reports, in the order it learns it.
public enum HTTP1Event: Hashable, Sendable {
    /// A request and its responses, emitted once the final response is complete or can no longer come.
    /// Exchanges are emitted in request order.
    case exchange(HTTP1Exchange)
    /// A complete response for which no request was seen (the capture started after it was sent, or
    /// the client's bytes were not a request: then `skippedRequestBytes` shows the first of them).
    case unpairedResponse(HTTP1Response, skippedRequestBytes: String?)
    /// Bytes that could not be parsed, or another protocol anomaly; processing went on.
    case diagnostic(HTTP1Diagnostic)
    /// The connection stopped carrying HTTP/1: every later byte arrives as `tunnelData`. Emitted right
    /// after the exchange that switched it.
    case tunnelOpened(HTTP1Tunnel)
    /// Bytes carried after the switch, in capture order. The first ones may be bytes that followed the
    /// switching message in the same segment. The buffer may share storage with the capture: copy what
    /// you keep.
    case tunnelData(Direction, ByteBuffer, Timestamp)
    /// Bytes of the tunnel lost in capture.
    case tunnelGap(Direction, Int, Timestamp)
    /// One direction of the tunnel ended.
    case tunnelClosed(Direction, Timestamp)
}

/// Why and where the connection left HTTP/1.
public struct HTTP1Tunnel: Hashable, Sendable {
    /// What the connection switched to.
    public enum Kind: Hashable, Sendable {
        /// `101 Switching Protocols`, with the server's `Upgrade` value (`websocket`, `h2c`, `tcp`), or
        /// the request's when the response had none.
        case upgrade(protocol: String?)
        /// A 2xx answer to `CONNECT`, with the request target (`host:port`).
        case connect(authority: String)
    }

    /// What the connection switched to.
    public var kind: Kind
    /// `HTTP1Exchange.index` of the exchange that switched; nil when the switching response answered no
    /// request seen.
    public var exchangeIndex: Int?
    /// Client-to-server stream offset where tunnel data begins.
    public var clientOffset: Int64
    /// Server-to-client stream offset where tunnel data begins.
    public var serverOffset: Int64
    /// Capture time of the switching response's last byte.
    public var time: Timestamp

    /// A tunnel description from its parts.
    public init(kind: Kind, exchangeIndex: Int?, clientOffset: Int64, serverOffset: Int64, time: Timestamp) {
        self.kind = kind
        self.exchangeIndex = exchangeIndex
        self.clientOffset = clientOffset
        self.serverOffset = serverOffset
        self.time = time
    }
}
