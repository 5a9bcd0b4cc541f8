import CZlib

/// Compresses test inputs with zlib's own encoder, so the fixtures need no embedded blobs.
public enum ZlibCompressor {
    /// The wrapper to write, as zlib's `windowBits` selects it.
    public enum Wrapper: Int32, Sendable {
        case gzip = 31
        case zlib = 15
        case raw = -15
    }

    /// `bytes` compressed at the default level with `wrapper`.
    public static func compress(_ bytes: [UInt8], wrapper: Wrapper) -> [UInt8] {
        var stream = z_stream()
        let initStatus = deflateInit2_(
            &stream,
            Z_DEFAULT_COMPRESSION,
            Z_DEFLATED,
            wrapper.rawValue,
            8,
            Z_DEFAULT_STRATEGY,
            zlibVersion(),
            Int32(MemoryLayout<z_stream>.size)
        )
        precondition(initStatus == Z_OK, "deflateInit2 failed")
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 64)
        var input = bytes
        let written = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                let status = deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate did not finish")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return Array(output.prefix(written))
    }
}
