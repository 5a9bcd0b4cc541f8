import HarkCore
import HarkPacket
import HarkReassembly
import NIOCore

/// TCP segments spelled by a fuzz input, for reassembly: each segment is a 6-byte header (flags, the
/// sender, a 16-bit sequence offset, a 16-bit acknowledgment offset) and up to 31 payload bytes (the
/// flags byte's top 3 bits say how many, times 4, plus the low bit of the sender byte).
package struct SegmentScript {
    let input: UnsafeBufferPointer<UInt8>

    package init(_ input: UnsafeBufferPointer<UInt8>) {
        self.input = input
    }

    private static let endpoints = [
        Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 40_000),
        Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 80),
        Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 40_001),
    ]

    /// Feeds the segments to a reassembler with small limits, so that its overflow paths run too;
    /// returns the bytes delivered.
    package func run() -> Int {
        var limits = ReassemblyLimits()
        limits.maxBufferedSegmentsPerDirection = 16
        limits.maxBufferedBytesPerDirection = 512
        limits.maxTrackedConnections = 2
        var reassembler = TCPReassembler(limits: limits)
        var handler = CountingHandler()
        var index = 0
        var packet = 0
        while index + 6 <= input.count {
            let flags = input[index]
            let sender = Int(input[index + 1])
            let sequence = UInt32(input[index + 2]) << 8 | UInt32(input[index + 3])
            let acknowledgment = UInt32(input[index + 4]) << 8 | UInt32(input[index + 5])
            index += 6
            let length = min(input.count - index, Int(flags >> 5) * 4 + (sender & 1))
            let payload = ByteBuffer(bytes: UnsafeBufferPointer(rebasing: input[index..<(index + length)]))
            index += length
            let pair = (sender >> 1) % 3
            let source = Self.endpoints[pair == 1 ? 1 : (sender >> 3) % 2 == 0 ? 0 : 2]
            let destination = source == Self.endpoints[1] ? Self.endpoints[(sender >> 3) % 2 == 0 ? 0 : 2] : Self.endpoints[1]
            let segment = TCPSegment(
                source: source, destination: destination, sequenceNumber: sequence, acknowledgmentNumber: acknowledgment,
                flags: TCPFlags(rawValue: UInt16(flags & 0x1F)), window: UInt16(sender), payload: payload,
                payloadLength: sender & 0x40 == 0 ? nil : length + Int(sender >> 4)
            )
            packet += 1
            let time = Timestamp(nanoseconds: Int64(packet) * Int64(sender & 0x80 == 0 ? 1_000_000 : 400_000_000_000))
            reassembler.process(segment, at: time, packetNumber: packet, handler: &handler)
        }
        reassembler.finish(handler: &handler)
        return handler.delivered
    }
}

/// Takes what reassembly hands out and only counts it.
private struct CountingHandler: TCPStreamHandler {
    var delivered = 0

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        delivered &+= bytes.readableBytes
    }
}
