import CZlib

/// gzip compression of request bodies (OTLP/HTTP's `Content-Encoding: gzip`), with zlib.
///
/// Level 1 (`Z_BEST_SPEED`), not zlib's default 6: spans are made at packet speed and compressed on
/// the exporter's thread, which shares the machine with the capture's reading and analysis. On the
/// bench capture (BENCHMARKS.md, "OTLP export") level 6 took 1.85 times the instructions of level 1
/// (callgrind: 96 M against 52 M in deflate for 1,462 spans) for bodies 12 % smaller (755 kB against
/// 860 kB for 9,895 spans).
enum Gzip {
    /// `bytes` as one gzip member at zlib's fastest level; nil when zlib fails (out of memory).
    static func compress(_ bytes: [UInt8]) -> [UInt8]? {
        var stream = z_stream()
        // windowBits 31: a 32 KiB window with the gzip wrapper (zlib.h, deflateInit2).
        guard deflateInit2_(&stream, Z_BEST_SPEED, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK
        else { return nil }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        var input = bytes
        let written: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(clamping: inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(clamping: outBuffer.count)
                guard deflate(&stream, Z_FINISH) == Z_STREAM_END else { return nil }
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        return written.map { Array(output.prefix($0)) }
    }
}
