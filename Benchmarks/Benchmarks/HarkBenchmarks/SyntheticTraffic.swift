import HarkCore
import HarkPacket
import NIOCore

/// Builds the inputs of the micro benchmarks in memory: Ethernet/IPv4/TCP frames, a classic pcap file
/// holding them, and the segments of one TCP connection, so no benchmark reads a file.
enum SyntheticTraffic {
    static let client = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 51_000)
    static let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 8080)
    /// Payload bytes of a full segment on an Ethernet link with TCP timestamps (MSS 1460 − 12).
    static let fullSegment = 1448

    /// One Ethernet II / IPv4 / TCP frame with the timestamps option, like a data segment on a NIC.
    static func frame(payloadLength: Int, sequence: UInt32) -> ByteBuffer {
        let tcpLength = 32
        let ipLength = 20 + tcpLength + payloadLength
        var buffer = ByteBuffer()
        buffer.reserveCapacity(14 + ipLength)
        // Ethernet: destination, source, EtherType IPv4.
        buffer.writeRepeatingByte(0, count: 12)
        buffer.writeInteger(UInt16(0x0800))
        // IPv4: version 4, IHL 5, total length, DF, TTL 64, protocol TCP; the checksum is left at 0.
        buffer.writeInteger(UInt8(0x45))
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt16(truncatingIfNeeded: ipLength))
        buffer.writeInteger(UInt16(1))
        buffer.writeInteger(UInt16(0x4000))
        buffer.writeInteger(UInt8(64))
        buffer.writeInteger(UInt8(6))
        buffer.writeInteger(UInt16(0))
        buffer.writeInteger(UInt32(0x0A00_0002))
        buffer.writeInteger(UInt32(0x0A00_0001))
        // TCP: ports, sequence, ack, data offset 8 words, ACK|PSH, window, checksum, urgent pointer.
        buffer.writeInteger(UInt16(8080))
        buffer.writeInteger(UInt16(51_000))
        buffer.writeInteger(sequence)
        buffer.writeInteger(UInt32(1))
        buffer.writeInteger(UInt16(0x8018))
        buffer.writeInteger(UInt16(501))
        buffer.writeInteger(UInt32(0))
        // Options: NOP, NOP, timestamps (kind 8, length 10).
        buffer.writeBytes([1, 1, 8, 10])
        buffer.writeInteger(UInt32(1_000))
        buffer.writeInteger(UInt32(2_000))
        buffer.writeRepeatingByte(0x61, count: payloadLength)
        return buffer
    }

    /// A classic little-endian microsecond pcap file of `count` full-size frames, as tcpdump writes it.
    static func pcap(frames count: Int) -> ByteBuffer {
        let frameBytes = frame(payloadLength: fullSegment, sequence: 1)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(24 + count * (16 + frameBytes.readableBytes))
        buffer.writeInteger(UInt32(0xA1B2_C3D4), endianness: .little)
        buffer.writeInteger(UInt16(2), endianness: .little)
        buffer.writeInteger(UInt16(4), endianness: .little)
        buffer.writeInteger(UInt32(0), endianness: .little)
        buffer.writeInteger(UInt32(0), endianness: .little)
        buffer.writeInteger(UInt32(262_144), endianness: .little)
        buffer.writeInteger(UInt32(1), endianness: .little)
        for index in 0..<count {
            let length = UInt32(truncatingIfNeeded: frameBytes.readableBytes)
            buffer.writeInteger(UInt32(1_700_000_000), endianness: .little)
            buffer.writeInteger(UInt32(truncatingIfNeeded: index &* 10), endianness: .little)
            buffer.writeInteger(length, endianness: .little)
            buffer.writeInteger(length, endianness: .little)
            buffer.writeImmutableBuffer(frameBytes)
        }
        return buffer
    }

    /// One segment of the synthetic connection and when it was captured.
    struct TimedSegment {
        var segment: TCPSegment
        var time: Timestamp
    }

    /// A whole HTTP-like connection in capture order: handshake, a 300-byte request, `dataSegments`
    /// full response segments with a client ACK after every second one, then FIN from both sides.
    /// Payloads are slices of one shared buffer, as they would be slices of a capture chunk.
    static func connection(dataSegments: Int) -> [TimedSegment] {
        var storage = ByteBuffer()
        storage.writeRepeatingByte(0x62, count: fullSegment)
        let full = storage.getSlice(at: 0, length: fullSegment) ?? ByteBuffer()
        let request = storage.getSlice(at: 0, length: 300) ?? ByteBuffer()
        let empty = ByteBuffer()
        let clientStart: UInt32 = 1_000
        let serverStart: UInt32 = 5_000_000
        var clientNext = clientStart &+ 1
        var serverNext = serverStart &+ 1
        var segments: [TimedSegment] = []
        segments.reserveCapacity(dataSegments + dataSegments / 2 + 8)
        var nanoseconds: Int64 = 1_700_000_000_000_000_000

        func add(fromClient: Bool, flags: TCPFlags, payload: ByteBuffer) {
            let sequence = fromClient ? clientNext : serverNext
            let acknowledgment = fromClient ? serverNext : clientNext
            let length = UInt32(truncatingIfNeeded: payload.readableBytes)
            let segment = TCPSegment(
                source: fromClient ? client : server,
                destination: fromClient ? server : client,
                sequenceNumber: sequence,
                acknowledgmentNumber: acknowledgment,
                flags: flags,
                window: 501,
                payload: payload
            )
            let consumed = length &+ (flags.contains(.fin) ? 1 : 0)
            if fromClient { clientNext = clientNext &+ consumed } else { serverNext = serverNext &+ consumed }
            segments.append(TimedSegment(segment: segment, time: Timestamp(nanoseconds: nanoseconds)))
            nanoseconds &+= 10_000
        }

        segments.append(TimedSegment(
            segment: TCPSegment(source: client, destination: server, sequenceNumber: clientStart,
                                acknowledgmentNumber: 0, flags: .syn, window: 64_240, payload: empty),
            time: Timestamp(nanoseconds: nanoseconds)))
        segments.append(TimedSegment(
            segment: TCPSegment(source: server, destination: client, sequenceNumber: serverStart,
                                acknowledgmentNumber: clientNext, flags: [.syn, .ack], window: 65_160,
                                payload: empty),
            time: Timestamp(nanoseconds: nanoseconds &+ 5_000)))
        nanoseconds &+= 10_000
        add(fromClient: true, flags: .ack, payload: empty)
        add(fromClient: true, flags: [.ack, .psh], payload: request)
        for index in 0..<dataSegments {
            add(fromClient: false, flags: .ack, payload: full)
            if index % 2 == 1 { add(fromClient: true, flags: .ack, payload: empty) }
        }
        add(fromClient: false, flags: [.fin, .ack], payload: empty)
        add(fromClient: true, flags: [.fin, .ack], payload: empty)
        add(fromClient: false, flags: .ack, payload: empty)
        return segments
    }
}
