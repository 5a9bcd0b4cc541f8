/// A connection once it is over: reassembly's summary plus what hark found inside it.
public struct ConnectionRecord: Hashable, Sendable {
    /// Endpoints, timings and TCP counters.
    public var summary: TCPConnectionSummary
    /// The protocol recognised from the connection's bytes.
    public var applicationProtocol: ApplicationProtocol
    /// The TLS session, for a connection that carried TLS (decrypted or not).
    public var tls: TLSSummary?

    public init(summary: TCPConnectionSummary, applicationProtocol: ApplicationProtocol, tls: TLSSummary? = nil) {
        self.summary = summary
        self.applicationProtocol = applicationProtocol
        self.tls = tls
    }
}
