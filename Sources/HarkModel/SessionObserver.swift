public import HarkCore

/// Receives what a `CaptureSession` finds, in capture order. Every method has an empty default.
public protocol SessionObserver {
    /// A TCP connection was seen for the first time.
    mutating func connectionOpened(_ connection: TCPConnectionInfo)
    /// A TCP connection is over (closed, idle, or the capture ended).
    mutating func connectionClosed(_ connection: ConnectionRecord)
    /// A TCP-level event (handshake, retransmission, gap, reset…).
    mutating func tcpEvent(_ event: TCPEvent)
    /// An HTTP exchange is complete (its final response ended, or none can come any more).
    mutating func exchange(_ exchange: Exchange)
    /// Work to do on each exchange on the thread that analysed its connection (`ExchangePreparer`),
    /// or nil (the default) for none. Read once, when the session starts.
    var exchangePreparer: (any ExchangePreparer)? { get }
    /// An HTTP exchange is complete, with what `exchangePreparer` made of it: nil when it was not
    /// called (one analysing thread) or made nothing, or when the session linked the exchange to
    /// another hop afterwards. The default calls `exchange(_:)`.
    mutating func exchange(_ exchange: Exchange, prepared: (any Sendable)?)
    /// A message of a protocol the connection switched to (a WebSocket message) is complete.
    mutating func message(_ message: ConnectionMessage)
    /// A problem in the input; processing goes on.
    mutating func diagnostic(_ diagnostic: Diagnostic)
    /// How far the reader has got, reported every few thousand packets (for progress bars).
    mutating func progress(bytesRead: Int64)
    /// Whether `packet(_:)` should be called for every TCP packet. Read once, when the session starts;
    /// default false, so that observers that do not draw packets pay nothing for them.
    var wantsPacketFacts: Bool { get }
    /// One TCP packet, after the TCP events it showed (when `wantsPacketFacts`).
    mutating func packet(_ fact: PacketFact)
    /// Capture time has reached `now`: the latest packet's time, or a live source's clock while no
    /// packet arrives. Called after each batch of packets, for observers that hold output back by time.
    mutating func clock(_ now: Timestamp)
    /// The capture ended and every connection has been closed: nothing more will be reported.
    mutating func captureEnded()
}

extension SessionObserver {
    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {}
    public mutating func connectionClosed(_ connection: ConnectionRecord) {}
    public mutating func tcpEvent(_ event: TCPEvent) {}
    public mutating func exchange(_ exchange: Exchange) {}
    public var exchangePreparer: (any ExchangePreparer)? { nil }
    public mutating func exchange(_ exchange: Exchange, prepared: (any Sendable)?) { self.exchange(exchange) }
    public mutating func message(_ message: ConnectionMessage) {}
    public mutating func diagnostic(_ diagnostic: Diagnostic) {}
    public mutating func progress(bytesRead: Int64) {}
    public var wantsPacketFacts: Bool { false }
    public mutating func packet(_ fact: PacketFact) {}
    public mutating func clock(_ now: Timestamp) {}
    public mutating func captureEnded() {}
}
