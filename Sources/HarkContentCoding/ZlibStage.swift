import CZlib

/// Decodes `gzip` and `deflate` with zlib.
///
/// `deflate` should be a zlib stream (RFC 1950) but many servers send raw deflate (RFC 1951): the first
/// two bytes decide, as browsers do. `gzip` accepts concatenated members (RFC 1952 §2.2) and, leniently,
/// a zlib header.
final class ZlibStage: DecodingStage {
    /// Which wrappers to accept.
    enum Format {
        /// gzip (or zlib) header and trailer.
        case gzip
        /// zlib wrapper, or raw deflate when the first two bytes are not a zlib header.
        case deflate
    }

    /// Where in the stream the stage is.
    private enum Phase {
        /// Nothing decoded yet; zlib not initialised.
        case start
        /// Inside the first (or only) stream.
        case firstMember
        /// Inside a gzip member that follows a complete one; if it fails before producing output it
        /// is trailing junk, not corruption.
        case laterMember
        /// The stream ended; further bytes are counted in `ignoredBytes`.
        case ended
    }

    private let format: Format
    private let stream: UnsafeMutablePointer<z_stream>
    private var phase = Phase.start
    private var isInitialised = false
    /// The first byte of a `deflate` body, held until the second byte shows which wrapper is used.
    private var heldFirstByte: UInt8?
    private var ignoredBytes = 0

    init(format: Format) {
        self.format = format
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
    }

    deinit {
        if isInitialised { inflateEnd(stream) }
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// A later gzip member that has produced nothing yet counts as trailing bytes, not as a stream.
    private var isEmptyLaterMember: Bool { phase == .laterMember && stream.pointee.total_out == 0 }

    var isAtEnd: Bool { phase == .ended || isEmptyLaterMember }

    var trailingByteCount: Int { ignoredBytes + (isEmptyLaterMember ? Int(stream.pointee.total_in) : 0) }

    func process(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> StageStep {
        switch phase {
        case .firstMember, .laterMember:
            return inflate(input, into: output)
        case .ended:
            ignoredBytes &+= input.count
            return StageStep(consumed: input.count, produced: 0, status: .needsInput)
        case .start:
            break
        }
        switch format {
        case .gzip:
            // 15 + 32: a 32 KiB window, and detect a gzip or zlib header automatically.
            return start(windowBits: 15 + 32, input, into: output)
        case .deflate:
            guard let first = input.first else { return StageStep(consumed: 0, produced: 0, status: .needsInput) }
            guard let held = heldFirstByte else {
                guard input.count >= 2 else {
                    heldFirstByte = first
                    return StageStep(consumed: 1, produced: 0, status: .needsInput)
                }
                return start(windowBits: Self.isZlibHeader(first, input[1]) ? 15 : -15, input, into: output)
            }
            // Feed the held byte first: one byte cannot fill the output, so it is consumed whole.
            heldFirstByte = nil
            let bits: Int32 = Self.isZlibHeader(held, first) ? 15 : -15
            let heldStep = withUnsafeBytes(of: held) { start(windowBits: bits, $0, into: output) }
            guard case .needsInput = heldStep.status, phase == .firstMember else { return heldStep }
            return inflate(input, into: output)
        }
    }

    /// RFC 1950 §2.2: CM = 8 (deflate), CINFO ≤ 7, and CMF·256 + FLG a multiple of 31.
    private static func isZlibHeader(_ cmf: UInt8, _ flg: UInt8) -> Bool {
        cmf & 0x0f == 8 && cmf >> 4 <= 7 && (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0
    }

    private func start(
        windowBits: Int32,
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer
    ) -> StageStep {
        let status = inflateInit2_(stream, windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else {
            return StageStep(
                consumed: 0,
                produced: 0,
                status: .failed(detail: "zlib initialisation failed (\(status))")
            )
        }
        isInitialised = true
        phase = .firstMember
        return inflate(input, into: output)
    }

    private func inflate(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> StageStep {
        var consumed = 0
        var produced = 0
        while true {
            let inCount = min(input.count - consumed, Int(UInt32.max))
            let outCount = min(output.count - produced, Int(UInt32.max))
            stream.pointee.next_in = input.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.advanced(by: consumed).assumingMemoryBound(to: Bytef.self))
            }
            stream.pointee.avail_in = UInt32(inCount)
            stream.pointee.next_out = output.baseAddress.map {
                $0.advanced(by: produced).assumingMemoryBound(to: Bytef.self)
            }
            stream.pointee.avail_out = UInt32(outCount)
            let status = CZlib.inflate(stream, Z_NO_FLUSH)
            consumed += inCount - Int(stream.pointee.avail_in)
            produced += outCount - Int(stream.pointee.avail_out)
            switch status {
            case Z_OK, Z_BUF_ERROR:
                let full = stream.pointee.avail_out == 0
                return StageStep(consumed: consumed, produced: produced, status: full ? .outputFull : .needsInput)
            case Z_STREAM_END where format == .gzip:
                // RFC 1952 §2.2: a gzip file may hold several members; decode them all.
                inflateReset(stream)
                phase = .laterMember
                guard consumed < input.count else {
                    return StageStep(consumed: consumed, produced: produced, status: .needsInput)
                }
                if produced == output.count {
                    return StageStep(consumed: consumed, produced: produced, status: .outputFull)
                }
            case Z_STREAM_END:
                phase = .ended
                ignoredBytes &+= input.count - consumed
                return StageStep(consumed: input.count, produced: produced, status: .needsInput)
            default:
                if isEmptyLaterMember {
                    // Not a gzip member after all: junk after the last one.
                    ignoredBytes &+= Int(stream.pointee.total_in) &+ (input.count - consumed)
                    phase = .ended
                    return StageStep(consumed: input.count, produced: produced, status: .needsInput)
                }
                let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                return StageStep(consumed: consumed, produced: produced, status: .failed(detail: message))
            }
        }
    }
}
