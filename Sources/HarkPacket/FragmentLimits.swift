public import HarkCore

/// Bounds on the memory and time IP fragment reassembly may use.
///
/// When a limit is hit, reassembly drops whole datagrams (never single fragments) and says so: the
/// fragment that broke a per-datagram limit comes back as `DecodedPacket.malformed`, and datagrams
/// evicted to make room, or that waited too long, are listed by `PacketDecoder.takeDroppedDatagrams()`.
public struct FragmentLimits: Hashable, Sendable {
    /// How many datagrams may be under reassembly at once; the oldest is dropped to admit a new one.
    /// Default 1024.
    public var maximumDatagrams: Int
    /// The largest reassembled IP payload, in bytes. Default 65535, the most an IPv4 total length or an
    /// IPv6 payload length can announce.
    public var maximumDatagramSize: Int
    /// The most distinct pieces one datagram may be split into. Default 1024 (a 65535-byte datagram over
    /// the smallest IPv4 MTU of 68 needs 1366, which no real path does). Bounds the work per fragment.
    public var maximumFragmentsPerDatagram: Int
    /// The bytes held across all datagrams under reassembly; the oldest datagrams are dropped to make
    /// room. Default 4 MiB, Linux's `ipfrag_high_thresh`.
    public var maximumBufferedBytes: Int
    /// How long, in capture time from its first fragment, a datagram may wait for the rest. Default
    /// 30 s, Linux's `ipfrag_time`.
    public var timeout: TimeSpan

    public init(
        maximumDatagrams: Int = 1024,
        maximumDatagramSize: Int = 65535,
        maximumFragmentsPerDatagram: Int = 1024,
        maximumBufferedBytes: Int = 4 << 20,
        timeout: TimeSpan = .seconds(30)
    ) {
        self.maximumDatagrams = maximumDatagrams
        self.maximumDatagramSize = maximumDatagramSize
        self.maximumFragmentsPerDatagram = maximumFragmentsPerDatagram
        self.maximumBufferedBytes = maximumBufferedBytes
        self.timeout = timeout
    }
}
