public import HarkCapture
public import HarkPacket

/// Counts of what a session read, for summaries and for the exit status.
public struct SessionStatistics: Hashable, Sendable {
    /// Capture records (packets) read.
    public var frames = 0
    /// Captured bytes in those records.
    public var capturedBytes: Int64 = 0
    /// Frames cut short by the snapshot length.
    public var truncatedFrames = 0
    /// TCP segments decoded.
    public var tcpSegments = 0
    /// UDP datagrams decoded (QUIC and the rest).
    public var udpDatagrams = 0
    /// UDP flows (4-tuples until idle) seen.
    public var udpFlows = 0
    /// Times a QUIC stream, CRYPTO level or HTTP/3 request stream blocked on QPACK gave up waiting
    /// because the session's QUIC buffer budget (`QUICLimits.maxBufferedBytesPerSession`) was used up.
    public var quicBufferEvictions = 0
    /// Frames hark does not analyse, by kind (UDP, ARP, ICMP, an unsupported link type…): counted, not
    /// an error, and reported once per kind at the end (`Traffic.unanalysedReport(count:)`).
    public var otherTraffic: [Traffic: Int] = [:]
    /// Frames that could not be decoded.
    public var malformedFrames = 0
    /// IP fragments held for reassembly.
    public var heldFragments = 0
    /// TCP connections seen.
    public var connections = 0
    /// TCP connections dropped from tracking because too many were open at once
    /// (`ReassemblyLimits.maxTrackedConnections`).
    public var evictedConnections = 0
    /// HTTP/1, HTTP/3 and FastCGI requests and HTTP/2 streams given up, without their responses, because the
    /// requests waiting for responses used up the session's budget
    /// (`SessionConfiguration.maxWaitingRequestBytes`).
    public var waitingRequestsGivenUp = 0
    /// TLS sessions (client randoms) the key logs gave secrets for, from files and the capture's own
    /// Decryption Secrets Blocks; nil when there was no key log.
    public var keyLogSessions: Int?
    /// HTTP exchanges reported.
    public var exchanges = 0
    /// Diagnostics reported.
    public var diagnostics = 0
    /// A live capture's kernel counts at the end (packets received and dropped); nil for a file.
    public var liveCounts: LiveCaptureCounts?

    public init() {}
}
