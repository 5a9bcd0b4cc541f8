import CPcap
import HarkCore
import HarkPacket

/// What libpcap's callback writes into during one `pcap_dispatch`: the read's copies, and the units of
/// libpcap's timestamps.
struct PacketCollector {
    var copies: PacketCopies
    let timestampUnits: Int64
    /// An NFLOG capture's filter (`NFLOGFilter`), run on each packet; nil for none.
    let filter: NFLOGFilter?
    /// The packets it rejected.
    var rejected: UInt64 = 0
    /// Whether the packets are NFLOG messages, whose kernel times are counted.
    let isNFLOG: Bool
    /// The NFLOG packets kept that carry no kernel time (`NFLOGBatching`).
    var withoutKernelTime = 0
}

/// `pcap_dispatch`'s callback: copies the packet out of libpcap's buffer. `user` points at the
/// `PacketCollector` of the call (a local of `dispatch`, alive for the whole call), so a packet costs no
/// retain or release of the capture and no exclusivity check of its stored properties.
func collectPacket(_ user: UnsafeMutablePointer<UInt8>?, _ header: UnsafePointer<pcap_pkthdr>?, _ bytes: UnsafePointer<UInt8>?) {
    guard let user, let header, let bytes else { return }
    let collector = UnsafeMutableRawPointer(user).assumingMemoryBound(to: PacketCollector.self)
    let packet = header.pointee
    if let filter = collector.pointee.filter, !filter.accepts(UnsafeRawBufferPointer(start: bytes, count: Int(packet.caplen))) {
        collector.pointee.rejected &+= 1
        return
    }
    if collector.pointee.isNFLOG, !NFLOGFrame.hasKernelTime(UnsafeRawBufferPointer(start: bytes, count: Int(packet.caplen))) {
        collector.pointee.withoutKernelTime &+= 1
    }
    // tv_usec holds nanoseconds when the device gave the precision asked for.
    let timestamp = Timestamp(seconds: Int64(packet.ts.tv_sec), fraction: Int64(packet.ts.tv_usec), unitsPerSecond: collector.pointee.timestampUnits)
    collector.pointee.copies.append(UnsafeRawBufferPointer(start: bytes, count: Int(packet.caplen)), originalLength: Int(packet.len), timestamp: timestamp)
}
