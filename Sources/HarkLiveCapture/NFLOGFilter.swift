import CPcap

/// A capture filter for NFLOG packets (`--pid`, `-- CMD`, `nflog:`), run by hark on the IP packet each
/// one carries: libpcap 1.10 compiles no filter for the NFLOG link type ("NFLOG link-layer type
/// filtering not implemented"), so the expression is compiled for raw IP (`DLT_RAW`) and run on the
/// `NFULA_PAYLOAD` attribute. A packet without one is rejected.
final class NFLOGFilter {
    private var program = bpf_program()

    /// Compiles `expression` (pcap-filter syntax) for raw IPv4/IPv6 packets.
    init(_ expression: String) throws(LiveCaptureError) {
        guard let dead = pcap_open_dead(DLT_RAW, 262_144) else {
            throw LiveCaptureError(.badFilter, "capture filter '\(expression)': cannot be compiled")
        }
        defer { pcap_close(dead) }
        guard pcap_compile(dead, &program, expression, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw LiveCaptureError(.badFilter, "capture filter '\(expression)': \(String(cString: pcap_geterr(dead)))")
        }
    }

    deinit {
        pcap_freecode(&program)
    }

    /// Whether the filter accepts the IP packet in NFLOG packet `message` (`nfgenmsg` and TLVs).
    func accepts(_ message: UnsafeRawBufferPointer) -> Bool {
        guard let payload = NFLOGAttributes.value(of: NFLOGAttributes.payload, in: message), let base = payload.baseAddress,
            payload.count > 0
        else { return false }
        var header = pcap_pkthdr()
        header.caplen = UInt32(payload.count)
        header.len = UInt32(payload.count)
        return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }
}

/// The attributes of an NFLOG packet as libpcap hands it out: the 4-byte `nfgenmsg`, then TLVs (host
/// byte order length and type, 4-byte aligned; linux/netfilter/nfnetlink_log.h).
enum NFLOGAttributes {
    /// `NFULA_PAYLOAD`: the packet from its network header on.
    static let payload: UInt16 = 9
    /// `NFULA_PREFIX`: the log statement's prefix, NUL-terminated.
    static let prefix: UInt16 = 10

    /// The value of the first attribute of `type` in `message`; nil when there is none or the
    /// attributes before it are cut or broken.
    static func value(of type: UInt16, in message: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var offset = 4
        while offset <= message.count &- 4 {
            let length = Int(message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            let found = message.loadUnaligned(fromByteOffset: offset &+ 2, as: UInt16.self) & 0x3FFF
            guard length >= 4, length <= message.count &- offset else { return nil }
            if found == type { return UnsafeRawBufferPointer(rebasing: message[(offset &+ 4)..<(offset &+ length)]) }
            offset &+= (length &+ 3) & ~3
        }
        return nil
    }
}
