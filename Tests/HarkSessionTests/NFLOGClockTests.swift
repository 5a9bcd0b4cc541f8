import HarkCapture
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// NFLOG packets of a watched client: its own packets (output hook) carry no kernel time and are
/// stamped when read, late; the server's (input hook) carry the kernel's time. A request is placed at
/// the kernel time of the first packet logged after it, however the input was cut into reads: one
/// packet per read (a pipe), or many (a file, a live capture gathering the kernel's batches).
struct NFLOGClockTests {
    private static let start: UInt64 = 1_700_000_000_000_000

    /// One NFLOG frame (AF_INET, attributes in this machine's little-endian order): the packet in
    /// `NFULA_PAYLOAD`, after `NFULA_TIMESTAMP` when the kernel stamped it.
    private static func nflog(_ packet: [UInt8], kernelMicroseconds: UInt64?) -> [UInt8] {
        func little16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func big64(_ value: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) } }
        var frame: [UInt8] = [2, 0, 0, 1]
        if let kernel = kernelMicroseconds {
            frame += little16(20) + little16(3) + big64(kernel / 1_000_000) + big64(kernel % 1_000_000)
        }
        frame += little16(4 + packet.count) + little16(9) + packet
        return frame + [UInt8](repeating: 0, count: (4 - frame.count % 4) % 4)
    }

    /// The exchange as it arrives: (from the client?, flags, payload, kernel time offset, read time
    /// offset) in microseconds after `start`. The client's request is read 3 ms late, after the
    /// server's ACK and response were logged.
    private static func capture() -> [UInt8] {
        let request = Array("GET /late HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8)
        let packets: [(client: Bool, flags: TCPFlags, payload: [UInt8], kernel: UInt64?, read: UInt64)] = [
            (true, [.syn], [], nil, 100),
            (false, [.syn, .ack], [], 200, 300),
            (true, [.ack], [], nil, 400),
            (true, [.ack, .psh], request, nil, 5_000),
            (false, [.ack], [], 2_100, 5_000),
            (false, [.ack, .psh], response, 2_600, 5_000),
            (true, [.ack], [], nil, 5_100),
        ]
        var pcap = PcapBuilder(linkType: .nflog)
        var clientSequence: UInt32 = 1000
        var serverSequence: UInt32 = 5000
        for packet in packets {
            let acknowledged = packet.client ? serverSequence : clientSequence
            let segment = PacketBuilder.tcp(
                sourcePort: packet.client ? 40000 : 80, destinationPort: packet.client ? 80 : 40000,
                sequenceNumber: packet.client ? clientSequence : serverSequence,
                acknowledgmentNumber: packet.flags.contains(.syn) && packet.client ? 0 : acknowledged,
                flags: packet.flags, payload: packet.payload
            )
            let advance = UInt32(packet.payload.count) + (packet.flags.contains(.syn) ? 1 : 0)
            if packet.client { clientSequence &+= advance } else { serverSequence &+= advance }
            let ip = PacketBuilder.ipv4(
                from: packet.client ? "10.0.0.1" : "10.0.0.2", to: packet.client ? "10.0.0.2" : "10.0.0.1", payload: segment
            )
            let read = start + packet.read
            _ = pcap.append(
                nflog(ip, kernelMicroseconds: packet.kernel.map { start + $0 }),
                seconds: UInt32(read / 1_000_000), fraction: UInt32(read % 1_000_000)
            )
        }
        return pcap.bytes
    }

    private static func exchange(readsAhead: Bool) throws -> Exchange {
        var configuration = SessionConfiguration()
        configuration.readsAhead = readsAhead
        var recorder = SessionRecorder()
        let reader = try CaptureReader(bytes: ByteBuffer(bytes: capture()), name: "nflog.pcap")
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
        return try #require(recorder.exchanges.first)
    }

    @Test func aLateReadRequestTakesTheKernelTimeOfThePacketAfterIt() throws {
        let exchange = try Self.exchange(readsAhead: true)
        #expect(exchange.request.firstByte == Timestamp(nanoseconds: Int64(Self.start + 2_100) * 1_000))
        #expect(exchange.response?.lastByte == Timestamp(nanoseconds: Int64(Self.start + 2_600) * 1_000))
        #expect(exchange.duration == TimeSpan(nanoseconds: 500_000))
    }

    @Test func oneFramePerReadGivesTheSameTimes() throws {
        // Without reading ahead, each read holds one frame: the request waits for the kernel time
        // that follows it instead of keeping its read time (which put the response before it).
        let alone = try Self.exchange(readsAhead: false)
        let ahead = try Self.exchange(readsAhead: true)
        #expect(alone.request.firstByte == ahead.request.firstByte)
        #expect(alone.response?.lastByte == ahead.response?.lastByte)
        #expect(alone.duration == ahead.duration)
    }
}
