import HarkCapture
import HarkCore
import HarkPacket
import HarkReassembly
import NIOCore

/// The request header blocks of a real HTTP/2 connection, read from the corpus capture
/// `h2c-prior-knowledge-doh-post.pcap` (DNS over HTTPS, prior knowledge): the client's bytes are
/// reassembled with hark's own reader and reassembler, then its HEADERS frames are picked out.
///
/// Block 0 (frame 6, 180 bytes) starts the connection: 12 fields, ten of them literals the decoder adds
/// to its dynamic table. Block 4 (frame 20, 21 bytes) is the fifth request: 11 of its 12 fields are
/// indexed references to the static or dynamic table, `:path` a literal without indexing, so it adds
/// nothing to the table and decoding it again and again on one decoder is what a warm connection does.
enum HPACKBlocks {
    /// The client's HEADERS blocks in order; empty when the capture cannot be read.
    static func requestBlocks() -> [ByteBuffer] {
        // This file sits in Benchmarks/Benchmarks/HarkBenchmarks/ of the repository.
        let repository = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(4).joined(separator: "/")
        let path = repository + "/Tests/Fixtures/corpus/h2c-prior-knowledge-doh-post.pcap"
        guard let reader = try? CaptureReader(path: path) else { return [] }
        var decoder = PacketDecoder()
        var reassembler = TCPReassembler()
        var client = ClientStream()
        while let record = reader.next() {
            guard case .frame(let frame) = record,
                case .tcp(let segment) = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
            else { continue }
            reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &client)
        }
        reassembler.finish(handler: &client)
        return headerBlocks(in: client.bytes)
    }

    /// The header block fragments of the HEADERS frames after the client preface (RFC 9113 §3.4,
    /// §4.1, §6.2), without padding and priority fields.
    private static func headerBlocks(in stream: ByteBuffer) -> [ByteBuffer] {
        var bytes = stream
        guard bytes.readSlice(length: 24) != nil else { return [] }
        var blocks: [ByteBuffer] = []
        while let lengthHigh = bytes.readInteger(as: UInt8.self), let lengthLow = bytes.readInteger(as: UInt16.self),
            let type = bytes.readInteger(as: UInt8.self), let flags = bytes.readInteger(as: UInt8.self),
            bytes.readInteger(as: UInt32.self) != nil,
            var payload = bytes.readSlice(length: Int(lengthHigh) << 16 | Int(lengthLow))
        {
            guard type == 0x1 else { continue }
            var padding = 0
            if flags & 0x8 != 0 { padding = Int(payload.readInteger(as: UInt8.self) ?? 0) }
            if flags & 0x20 != 0 { payload.moveReaderIndex(forwardBy: min(5, payload.readableBytes)) }
            if let block = payload.readSlice(length: max(0, payload.readableBytes - padding)) {
                blocks.append(block)
            }
        }
        return blocks
    }
}

/// Keeps the client→server bytes of the first connection.
private struct ClientStream: TCPStreamHandler {
    var bytes = ByteBuffer()

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        if connection == 0, direction == .clientToServer {
            self.bytes.writeImmutableBuffer(bytes)
        }
    }
}
