public import HarkCore
public import NIOCore

/// Decodes captured frames down to TCP segments: link layer, IPv4 or IPv6 (reassembling fragments), TCP.
///
/// Decoding is zero-copy: a segment's payload is a slice of the frame, so it shares the frame's storage
/// and stays valid as long as the caller keeps it. Only IP fragments are copied, into buffers of their
/// own. Other traffic (UDP, ARP, …) is identified for counting; broken headers come back as
/// `.malformed` with the layer and offset; nothing traps. TCP checksums are not checked (captures taken
/// on the sending host carry unfilled checksums because of offload).
///
/// One decoder serves one capture: it holds the fragments of datagrams still under reassembly, bounded by
/// `FragmentLimits`. It is not safe to share between tasks.
///
/// ### Example
/// ```swift
/// var decoder = PacketDecoder()
/// switch decoder.decode(frame, linkType: .ethernet, timestamp: time) {
/// case .tcp(let segment): handle(segment, at: time)
/// case .other(let traffic): counts[traffic, default: 0] += 1
/// case .fragmentHeld: break
/// case .malformed(let error): diagnostics.append(Diagnostic(.warning, error.description))
/// }
/// for dropped in decoder.takeDroppedDatagrams() { diagnostics.append(Diagnostic(.warning, dropped.description)) }
/// ```
public struct PacketDecoder: Sendable {
    var defragmenter: Defragmenter

    /// - Parameter limits: bounds on IP fragment reassembly.
    public init(limits: FragmentLimits = .init()) {
        self.defragmenter = Defragmenter(limits: limits)
    }

    /// Decodes one frame.
    ///
    /// - Parameters:
    ///   - frame: the captured bytes, from the first byte of the link-layer header.
    ///   - linkType: the capture's (or pcapng interface's) link type.
    ///   - timestamp: the capture time, which also ages pending IP fragments.
    /// - Returns: the TCP segment, the kind of other traffic, a note that a fragment was kept, or what
    ///   was malformed.
    public mutating func decode(_ frame: ByteBuffer, linkType: LinkType, timestamp: Timestamp) -> DecodedPacket {
        defragmenter.expire(now: timestamp)
        return frame.withUnsafeReadableBytes { raw in
            let bytes = WireBytes(raw: raw)
            switch Self.networkLayer(in: bytes, linkType: linkType) {
            case .ipv4(let offset): return decodeIPv4(bytes, of: frame, at: offset, time: timestamp)
            case .ipv6(let offset): return decodeIPv6(bytes, of: frame, at: offset, time: timestamp)
            case .other(let traffic): return .other(traffic)
            case .malformed(let error): return .malformed(error)
            }
        }
    }

    /// Whether datagrams were dropped since the last `takeDroppedDatagrams()`; cheap enough to ask after
    /// every frame.
    public var hasDroppedDatagrams: Bool { !defragmenter.dropped.isEmpty }

    /// The datagrams whose fragments were dropped (timed out or evicted) since the last call.
    public mutating func takeDroppedDatagrams() -> [DroppedDatagram] {
        defer { defragmenter.dropped = [] }
        return defragmenter.dropped
    }

    /// Gives up on every datagram still under reassembly, at the end of a capture, and returns those and
    /// any other dropped datagrams not yet taken.
    public mutating func finish() -> [DroppedDatagram] {
        defragmenter.dropAll()
        return takeDroppedDatagrams()
    }

    /// How many IP datagrams are under reassembly.
    public var datagramsUnderReassembly: Int { defragmenter.pendingCount }

    /// How many fragment bytes are held for datagrams under reassembly.
    public var bufferedFragmentBytes: Int { defragmenter.bufferedBytes }
}
