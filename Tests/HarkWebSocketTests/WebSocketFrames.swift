import CZlib
import HarkTestSupport

/// Builds WebSocket frames for tests (RFC 6455 §5.2), masked when a key is given.
enum WebSocketFrames {
    static func frame(
        _ payload: [UInt8],
        opcode: UInt8,
        fin: Bool = true,
        rsv1: Bool = false,
        mask: [UInt8]? = nil
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126: bytes.append(maskBit | UInt8(payload.count))
        case ..<65536: bytes += [maskBit | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (8 * UInt64($0))) }
        }
        guard let mask else { return bytes + payload }
        return bytes + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    static func text(_ text: String, fin: Bool = true, mask: [UInt8]? = nil) -> [UInt8] {
        frame(Array(text.utf8), opcode: 1, fin: fin, mask: mask)
    }
}

/// A raw-DEFLATE compressor that keeps its window across messages, as a permessage-deflate sender
/// with context takeover does: each message ends with a sync flush whose `00 00 ff ff` is removed.
final class MessageDeflater {
    private var stream = z_stream()

    init() {
        _ = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
    }

    deinit { deflateEnd(&stream) }

    func compress(_ text: String) -> [UInt8] {
        var input = Array(text.utf8)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 64)
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                _ = deflate(&stream, Z_SYNC_FLUSH)
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written).dropLast(4))  // RFC 7692 §7.2.1: remove 00 00 ff ff
    }
}
