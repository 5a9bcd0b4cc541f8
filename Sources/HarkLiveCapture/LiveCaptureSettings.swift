/// How a live capture is opened, with the defaults `hark` uses.
public struct LiveCaptureSettings: Sendable {
    /// The libpcap device: an interface (`eth0`, `lo`), `any` (every interface, Linux cooked headers),
    /// or a special device such as `nflog:GROUP` (packets logged by a netfilter rule to that group).
    public var device: String
    /// A capture filter in pcap-filter syntax (`tcp port 8080`), compiled by libpcap and run in the
    /// kernel, so packets it rejects never reach hark; for `nflog:`, run by hark on each packet's IP
    /// payload (`NFLOGFilter`). Default none.
    public var filter: String?
    /// Bytes kept of each packet. Default 262144, libpcap's maximum, which keeps whole packets even
    /// with large receive offload on loopback (NFLOG copies at most 65,531 bytes anyway).
    public var snapshotLength: Int32 = 262_144
    /// The kernel buffer between the network and hark, in bytes. Default 64 MiB: enough to ride out a
    /// burst while the analysis is busy; libpcap's default of 2 MiB drops packets at loopback rates.
    public var bufferSize: Int32 = 64 << 20
    /// Whether the interface is put in promiscuous mode (packets for other hosts too, as on a mirror
    /// port). Default true for an interface, as tcpdump does; ignored by `any` and `nflog:`.
    public var promiscuous = true
    /// For an `nflog:` device, a test packet that must come through before the capture counts as
    /// running (`LiveCapture.deliveryVerified`). Default none.
    public var deliveryCheck: NFLOGDeliveryCheck?
    /// For an `nflog:` device, the kernel's count of the packets logged to
    /// the group (read and reset to 0 in the same step when `reset`; nil when unknown): reset when the
    /// capture starts, read when it stops, and what was logged but never received is reported as
    /// dropped (the kernel drops some without telling the reader, such as a message it cannot
    /// allocate). Default none.
    public var loggedPackets: (@Sendable (_ reset: Bool) -> UInt64?)?

    public init(device: String, filter: String? = nil) {
        self.device = device
        self.filter = filter
        self.promiscuous = device != "any" && !device.hasPrefix("nflog")
    }
}
