/// A connection once it is over: reassembly's summary plus what hark found inside it. A QUIC connection
/// has the same shape: its UDP flow's counters in `summary`, its handshake in `tls`, and `quic`.
public struct ConnectionRecord: Hashable, Sendable {
    /// Endpoints, timings and TCP counters.
    public var summary: TCPConnectionSummary
    /// The protocol recognised from the connection's bytes.
    public var applicationProtocol: ApplicationProtocol
    /// The TLS session, for a connection that carried TLS (decrypted or not).
    public var tls: TLSSummary?
    /// The QUIC connection's own facts; nil for a TCP connection.
    public var quic: QUICSummary?

    public init(summary: TCPConnectionSummary, applicationProtocol: ApplicationProtocol, tls: TLSSummary? = nil, quic: QUICSummary? = nil) {
        self.summary = summary
        self.applicationProtocol = applicationProtocol
        self.tls = tls
        self.quic = quic
    }
}
