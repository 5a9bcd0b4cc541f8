public import HarkCore

/// The other hop of a linked pair of exchanges (issue 14, item 8): a client's HTTP exchange with a web
/// server, and the FastCGI exchange the web server made to serve it.
public struct HopLink: Hashable, Sendable {
    /// The other exchange's `Exchange.id`.
    public var exchangeID: Int
    /// The other exchange's connection.
    public var connectionID: Int
    /// Seen from the HTTP exchange: the backend (the FastCGI server's address); seen from the FastCGI
    /// exchange: the browser (the HTTP client's address).
    public var peer: Endpoint
    /// The other exchange's duration: from the HTTP exchange, the share of its latency the backend took.
    public var duration: TimeSpan

    public init(exchangeID: Int, connectionID: Int, peer: Endpoint, duration: TimeSpan) {
        self.exchangeID = exchangeID
        self.connectionID = connectionID
        self.peer = peer
        self.duration = duration
    }
}
