import CDeflate

/// Decodes a gzip body that is whole in memory with libdeflate, in one call.
///
/// Only the plain case: one gzip member (RFC 1952) that takes the whole input, whose trailer's size
/// (ISIZE) is within the caller's cap, within 16 MiB and within what deflate can reach from that
/// input, and that decodes to exactly that size with a matching CRC-32. For everything else (several
/// members, trailing bytes, a zlib header sent as gzip, corrupt or truncated data, a bigger output)
/// `decode` returns false, and the caller decodes the same bytes with the streaming decoder, which
/// reports what it finds.
enum WholeGzipDecoder {
    /// deflate's best ratio: a 258-byte match costs at least two bits (RFC 1951 §3.2.5), so one input
    /// byte decodes to at most about 1,032 bytes; a trailer claiming more lies.
    static let maxDeflateRatio = 1_032
    /// The most decoded bytes taken in one piece: the output is one buffer in memory, while the
    /// streaming decoder hands a bigger body to its storage (and disk) 32 KiB at a time.
    static let maxWholeOutputBytes = 16 << 20
    /// A gzip member's fixed header (10 bytes) and trailer (CRC-32 and ISIZE, 8 bytes).
    private static let framingBytes = 18

    /// Calls `use` with the decoded bytes of `input` and returns true, or returns false (without calling
    /// `use`) when the input is not the plain case this decoder handles.
    static func decode(
        _ input: UnsafeRawBufferPointer,
        maxOutputBytes: Int,
        _ use: (UnsafeRawBufferPointer) -> Void
    ) -> Bool {
        let count = input.count
        guard count >= framingBytes, input[0] == 0x1f, input[1] == 0x8b else { return false }
        let size = Int(input[count - 4]) | Int(input[count - 3]) << 8 | Int(input[count - 2]) << 16
            | Int(input[count - 1]) << 24
        guard size > 0, size <= min(maxOutputBytes, maxWholeOutputBytes), size / count <= maxDeflateRatio,
            let source = input.baseAddress,
            let decompressor = libdeflate_alloc_decompressor()
        else { return false }
        defer { libdeflate_free_decompressor(decompressor) }
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        defer { output.deallocate() }
        var consumed = 0
        var produced = 0
        let result = libdeflate_gzip_decompress_ex(
            decompressor, source, count, output.baseAddress, size, &consumed, &produced
        )
        guard result == LIBDEFLATE_SUCCESS, consumed == count, produced == size else { return false }
        use(UnsafeRawBufferPointer(output))
        return true
    }
}
