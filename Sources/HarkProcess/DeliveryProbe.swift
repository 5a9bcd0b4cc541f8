import Glibc

/// hark's test packet for a process capture: a UDP datagram to 127.0.0.1, port the capture's NFLOG
/// group, marked `CaptureRuleset.probeMark`, which the table's last `out` rule logs to the group with
/// the prefix `CaptureRuleset.probePrefix` and drops. Seen by the reader, it shows that the table is
/// hooked, that the kernel logs to the group and that the group delivers to hark: then hark says it
/// captures. The output hook runs in the sender's `sendto`, so a working capture has the packet
/// queued for its reader when `send` returns.
public struct DeliveryProbe: Sendable {
    /// The NFLOG prefix that tells the test packet from the capture's own.
    public let prefix: String
    private let port: UInt16

    init(group: UInt16) {
        self.prefix = CaptureRuleset.probePrefix
        self.port = group
    }

    /// Sends test packet `number` (its 4 bytes of payload, in network order); false when it could not
    /// be sent (the table's rule drops it, so `sendto` reports `EPERM` when it worked).
    public func send(_ number: UInt32) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var mark = CaptureRuleset.probeMark
        guard setsockopt(descriptor, SOL_SOCKET, SO_MARK, &mark, socklen_t(MemoryLayout<UInt32>.size)) == 0 else { return false }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var payload = number.bigEndian
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                sendto(descriptor, &payload, MemoryLayout<UInt32>.size, 0, socketAddress, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return sent == MemoryLayout<UInt32>.size || errno == EPERM
    }
}
