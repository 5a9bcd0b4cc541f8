#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CPcap
import HarkCapture
import HarkCore

/// The NFLOG delivery check: before a process capture says "capturing", a test packet goes through
/// hark's table, its NFLOG group and this reader (`NFLOGDeliveryCheck`).
extension LiveCapture {
    /// Sends `check`'s test packets, one per `retryMilliseconds`, and reads the group until the last
    /// one sent arrives (true) or `timeoutMilliseconds` pass (false). The capture's own packets read
    /// meanwhile are kept for the first `read` (those the capture filter rejects left out); the test
    /// packets are left out of the capture and of its counts.
    func verifyDelivery(_ check: NFLOGDeliveryCheck) -> Bool {
        var collector = CheckCollector(
            packets: PacketCollector(copies: PacketCopies(), timestampUnits: timestampUnits, filter: nflogFilter, isNFLOG: linkType == .nflog),
            prefix: Array(check.prefix.utf8))
        swap(&collector.packets.copies, &copies)
        defer {
            swap(&collector.packets.copies, &copies)
            baseline.received &+= collector.testPackets
            rejected &+= collector.packets.rejected
        }
        let start = Self.now()
        var sent: UInt32 = 0
        while true {
            let elapsed = Self.now().since(start).milliseconds
            guard elapsed < Double(check.timeoutMilliseconds), sent < UInt32.max else { return false }
            sent += 1
            guard check.send(sent) else { return false }
            let attemptStart = Self.now()
            while collector.lastNumber != sent {
                let now = Self.now()
                let left = min(
                    Double(check.retryMilliseconds) - now.since(attemptStart).milliseconds,
                    Double(check.timeoutMilliseconds) - now.since(start).milliseconds
                ).rounded(.up)
                guard left >= 1 else { break }
                var entry = pollfd(fd: selectableDescriptor, events: Int16(POLLIN), revents: 0)
                let ready = poll(&entry, 1, Int32(left))
                if ready < 0, errno != EINTR { return false }
                guard ready > 0 else { continue }
                let count = withUnsafeMutablePointer(to: &collector) { pointer in
                    pcap_dispatch(handle, -1, collectCheckedPacket, UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: UInt8.self))
                }
                if count < 0 { return false }
            }
            if collector.lastNumber == sent { return true }
        }
    }
}

/// What the delivery check's callback writes into: the packets kept, and the test packets seen.
private struct CheckCollector {
    var packets: PacketCollector
    /// The test packets' NFLOG prefix.
    let prefix: [UInt8]
    /// The number of the last test packet seen.
    var lastNumber: UInt32?
    /// How many test packets were read.
    var testPackets: UInt64 = 0
}

/// The delivery check's `pcap_dispatch` callback: notes test packets, hands the others to
/// `collectPacket`.
private func collectCheckedPacket(_ user: UnsafeMutablePointer<UInt8>?, _ header: UnsafePointer<pcap_pkthdr>?, _ bytes: UnsafePointer<UInt8>?) {
    guard let user, let header, let bytes else { return }
    let collector = UnsafeMutableRawPointer(user).assumingMemoryBound(to: CheckCollector.self)
    let data = UnsafeRawBufferPointer(start: bytes, count: Int(header.pointee.caplen))
    if let number = NFLOGDeliveryCheck.testPacketNumber(in: data, prefix: collector.pointee.prefix) {
        collector.pointee.lastNumber = number
        collector.pointee.testPackets &+= 1
        return
    }
    withUnsafeMutablePointer(to: &collector.pointee.packets) { packets in
        collectPacket(UnsafeMutableRawPointer(packets).assumingMemoryBound(to: UInt8.self), header, bytes)
    }
}
