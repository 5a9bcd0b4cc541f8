import HarkPacket

/// A test packet that must come through an NFLOG group before a capture of it counts as running: the
/// rule that logs the group's packets is hooked, the kernel logs to the group, the group delivers to
/// the reader (`LiveCapture.deliveryVerified`).
///
/// `send(n)` makes the kernel log test packet `n` to the group with the NFLOG prefix `prefix` (hark's
/// process captures: `HarkProcess.DeliveryProbe`), its last 4 payload bytes being `n` in network
/// order. The capture sends one, reads what comes (keeping the other packets), and sends the next
/// after `retryMilliseconds` without it, until the last one sent arrives or `timeoutMilliseconds` pass.
/// Test packets never reach the analysis.
public struct NFLOGDeliveryCheck: Sendable {
    /// The NFLOG prefix of the test packets; the capture's own packets have another.
    public var prefix: String
    /// Sends test packet `number`; false when it could not be sent.
    public var send: @Sendable (_ number: UInt32) -> Bool
    /// How long to wait for one test packet before sending the next.
    public var retryMilliseconds: Int32 = 100
    /// How long to try in all.
    public var timeoutMilliseconds: Int32 = 2_000

    public init(prefix: String, send: @escaping @Sendable (_ number: UInt32) -> Bool) {
        self.prefix = prefix
        self.send = send
    }

    /// The number of the test packet in `message` (an NFLOG packet as libpcap hands it out: the
    /// 4-byte `nfgenmsg`, then TLVs), or nil when it is not one: its `NFULA_PREFIX` is not `prefix`
    /// (NUL-terminated) or it has no payload of at least 4 bytes.
    static func testPacketNumber(in message: UnsafeRawBufferPointer, prefix: [UInt8]) -> UInt32? {
        guard let found = NFLOGFrame.value(of: NFLOGFrame.prefixType, in: message),
            found.count == prefix.count &+ 1, found.last == 0, found.starts(with: prefix),
            let payload = NFLOGFrame.value(of: NFLOGFrame.payloadType, in: message), payload.count >= 4
        else { return nil }
        return UInt32(bigEndian: payload.loadUnaligned(fromByteOffset: payload.count &- 4, as: UInt32.self))
    }
}
