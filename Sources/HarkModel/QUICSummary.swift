/// What a QUIC connection's packets said beyond its TLS handshake, for every view.
public struct QUICSummary: Hashable, Sendable {
    /// `QUIC v1`, `QUIC v2`, or the version number of another.
    public var version: String
    /// How the connection was closed (its CONNECTION_CLOSE, in words); nil when no close was captured.
    public var closed: String?
    /// QUIC packets read (coalesced packets counted one by one), and those that could not be decrypted.
    public var packets: Int
    public var undecryptedPackets: Int
    /// Key updates seen (RFC 9001 §6).
    public var keyUpdates: Int
    /// 0-RTT packets decrypted: the client's early data (RFC 9001 §4.6).
    public var earlyDataPackets: Int
    /// Connection IDs seen.
    public var connectionIDs: Int

    public init(version: String, closed: String? = nil, packets: Int = 0, undecryptedPackets: Int = 0, keyUpdates: Int = 0, earlyDataPackets: Int = 0,
                connectionIDs: Int = 0) {
        self.version = version
        self.closed = closed
        self.packets = packets
        self.undecryptedPackets = undecryptedPackets
        self.keyUpdates = keyUpdates
        self.earlyDataPackets = earlyDataPackets
        self.connectionIDs = connectionIDs
    }
}
