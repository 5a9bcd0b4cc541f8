import CPcap
import HarkPacket

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
        guard let payload = NFLOGFrame.value(of: NFLOGFrame.payloadType, in: message), let base = payload.baseAddress,
            payload.count > 0
        else { return false }
        var header = pcap_pkthdr()
        header.caplen = UInt32(payload.count)
        header.len = UInt32(payload.count)
        return pcap_offline_filter(&program, &header, base.assumingMemoryBound(to: UInt8.self)) != 0
    }
}
