package import HarkCore
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

extension SegmentScript {
    /// One captured segment of a connection, as `encode` takes it.
    package struct Segment {
        package var fromClient: Bool
        package var flags: TCPFlags
        package var sequenceNumber: UInt32
        package var acknowledgmentNumber: UInt32
        package var payload: [UInt8]

        package init(fromClient: Bool, flags: TCPFlags, sequenceNumber: UInt32, acknowledgmentNumber: UInt32, payload: [UInt8]) {
            self.fromClient = fromClient
            self.flags = flags
            self.sequenceNumber = sequenceNumber
            self.acknowledgmentNumber = acknowledgmentNumber
            self.payload = payload
        }
    }

    /// The script that replays `segments` (one connection's, in capture order) between the first client
    /// endpoint and the server: sequence and acknowledgment numbers relative to each side's first,
    /// modulo 2^16, payloads split into the lengths a script can spell (4n or 4n + 1, at most 29).
    package static func encode(_ segments: [Segment]) -> [UInt8] {
        var base: [Bool: UInt32] = [:]
        for segment in segments where base[segment.fromClient] == nil { base[segment.fromClient] = segment.sequenceNumber }
        var script: [UInt8] = []
        for segment in segments {
            let own = base[segment.fromClient] ?? 0
            let peer = base[!segment.fromClient] ?? 0
            var offset = 0
            repeat {
                let length = Self.spellable(segment.payload.count - offset)
                let sequence = UInt16(truncatingIfNeeded: segment.sequenceNumber &- own &+ UInt32(offset))
                let acknowledgment = UInt16(truncatingIfNeeded: segment.acknowledgmentNumber &- peer)
                let flags = UInt8(segment.flags.rawValue & 0x1F) | UInt8(length / 4) << 5
                let sender: UInt8 = (segment.fromClient ? 0 : 1 << 1) | UInt8(length % 4)
                script += [flags, sender, UInt8(sequence >> 8), UInt8(sequence & 0xFF), UInt8(acknowledgment >> 8), UInt8(acknowledgment & 0xFF)]
                script += segment.payload[offset..<(offset + length)]
                offset += length
            } while offset < segment.payload.count
        }
        return script
    }

    /// The largest payload length at most `remaining` (and 29) that a script spells: 4n or 4n + 1.
    private static func spellable(_ remaining: Int) -> Int {
        var length = min(29, max(0, remaining))
        while length % 4 > 1 { length -= 1 }
        return length
    }
}

/// Takes what reassembly hands out and only counts it.
private struct CountingHandler: TCPStreamHandler {
    var delivered = 0

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        delivered &+= bytes.readableBytes
    }
}
