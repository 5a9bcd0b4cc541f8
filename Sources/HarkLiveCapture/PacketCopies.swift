import HarkCore
import NIOCore

/// The packets of one live read, copied out of libpcap's buffer (which the kernel takes back once
/// `pcap_dispatch` returns) into large chunks, back to back, and handed out as slices of them once the
/// read is done: a chunk is never written while a slice of it exists, which would copy it.
///
/// Chunks are reused as a file's are (`ChunkedInput`): the last `reusedChunks` are kept and written
/// into again, oldest first, when their frames have normally been analysed and released, so a read
/// costs no allocation and touches memory already mapped. Before, each read of an NFLOG message
/// (`--pid`, up to a thousand a second) allocated a 64 KiB buffer for a few packets, and frames lay
/// scattered over those buffers. A chunk still shared when its turn comes is replaced, not copied
/// (`ByteBuffer.clear()`).
struct PacketCopies {
    /// A packet copied: where its bytes are, and what libpcap said of it.
    struct Packet {
        var chunk: Int
        var offset: Int
        var length: Int
        var originalLength: Int
        var timestamp: Timestamp
    }

    /// The size of a chunk: a few milliseconds of busy loopback traffic fit in one.
    static let chunkSize = 256 << 10
    /// How many chunks are kept for reuse (4 MiB): more than the read-ahead batches in flight hold.
    static let reusedChunks = 16

    /// The chunks of this read, the last one being written.
    private var chunks: [ByteBuffer] = []
    /// Chunks of earlier reads, oldest first, to be written into again.
    private var used: [ByteBuffer] = []
    /// The packets of this read, in order.
    private(set) var packets: [Packet] = []
    /// Their captured bytes.
    private(set) var bytes = 0

    /// Copies one packet.
    mutating func append(_ data: UnsafeRawBufferPointer, originalLength: Int, timestamp: Timestamp) {
        if chunks.isEmpty || chunks[chunks.count &- 1].writableBytes < data.count {
            chunks.append(freshChunk(holding: data.count))
        }
        let index = chunks.count &- 1
        let offset = chunks[index].writerIndex
        chunks[index].writeBytes(data)
        packets.append(Packet(chunk: index, offset: offset, length: data.count, originalLength: originalLength, timestamp: timestamp))
        bytes &+= data.count
    }

    /// Hands each packet of this read to `body` with its bytes (a slice of its chunk), in order, and
    /// starts the next read.
    mutating func handOut(_ body: (ByteBuffer, Packet) -> Void) {
        for packet in packets {
            guard let data = chunks[packet.chunk].getSlice(at: packet.offset, length: packet.length) else { continue }
            body(data, packet)
        }
        packets.removeAll(keepingCapacity: true)
        bytes = 0
        for chunk in chunks where chunk.capacity < 2 &* Self.chunkSize {
            used.append(chunk)
        }
        chunks.removeAll(keepingCapacity: true)
        if used.count > Self.reusedChunks { used.removeFirst(used.count &- Self.reusedChunks) }
    }

    /// An empty chunk with room for `count` bytes: the oldest used one once `reusedChunks` are kept,
    /// else a new one (as large as the packet, when it is larger than a chunk).
    private mutating func freshChunk(holding count: Int) -> ByteBuffer {
        guard count <= Self.chunkSize, used.count >= Self.reusedChunks else {
            return ByteBufferAllocator().buffer(capacity: max(Self.chunkSize, count))
        }
        var chunk = used.removeFirst()
        chunk.clear()
        return chunk
    }
}
