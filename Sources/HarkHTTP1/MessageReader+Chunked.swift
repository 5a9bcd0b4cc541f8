import HarkCore
import NIOCore

/// Where a chunked body stands (RFC 9112 §7.1).
enum ChunkedPhase {
    /// Reading `chunk-size [; ext] CRLF`.
    case sizeLine(ChunkSizeLine)
    /// Inside chunk data.
    case data(remaining: Int)
    /// Expecting the CRLF after chunk data; `sawCR` once its CR is read.
    case dataEnd(sawCR: Bool)
    /// After the last chunk: the trailer section up to its blank line.
    case trailers(scanned: Int)
}

/// A chunk-size line read so far, byte by byte, so that it never needs buffering.
struct ChunkSizeLine {
    /// Longest size line accepted, extensions included.
    static let maxLength = 4096
    /// Most hex digits accepted (keeps the size below 2^60).
    static let maxDigits = 15

    var size = 0
    var digits = 0
    /// Set once the digits are over: the rest of the line (BWS, extensions, CR) is ignored.
    var pastDigits = false
    /// Bytes of the line so far, LF excluded.
    var length = 0

    /// What a byte did to the line.
    enum Outcome {
        case more
        /// The LF ended a valid size line.
        case complete
        /// The LF ended an empty line (tolerated before a size line).
        case blank
        case invalid
    }

    /// Takes one byte of the line.
    mutating func take(_ byte: UInt8) -> Outcome {
        // Before any digit only blanks and CR are accepted, so a digit-less line is a blank one.
        if byte == ASCII.lf { return digits > 0 ? .complete : .blank }
        length += 1
        guard length <= Self.maxLength else { return .invalid }
        if pastDigits { return digits > 0 || byte == ASCII.cr ? .more : .invalid }
        if let value = Self.hexValue(byte) {
            guard digits < Self.maxDigits else { return .invalid }
            size = size << 4 | value
            digits += 1
            return .more
        }
        if digits == 0 {
            if ASCII.isBlank(byte) { return .more }
            guard byte == ASCII.cr else { return .invalid }
        }
        // Chunk extensions (`;name=value`) and whitespace are ignored, as RFC 9112 §7.1.1 allows.
        pastDigits = true
        return .more
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte &- 0x30)
        case 0x41...0x46: Int(byte &- 0x41 &+ 10)
        case 0x61...0x66: Int(byte &- 0x61 &+ 10)
        default: nil
        }
    }
}

extension MessageReader {
    /// Advances a chunked body to its next body bytes, end, anomaly, or the end of the input.
    mutating func stepChunked(_ input: inout ByteBuffer, phase start: ChunkedPhase, at time: Timestamp) -> Output {
        var phase = start
        while true {
            switch phase {
            case .sizeLine(var line):
                var outcome = ChunkSizeLine.Outcome.more
                let used = input.withUnsafeReadableBytes { bytes in
                    for (index, byte) in bytes.enumerated() {
                        outcome = line.take(byte)
                        switch outcome {
                        case .more: continue
                        case .blank: line = ChunkSizeLine()
                        case .complete, .invalid: return index + 1
                        }
                    }
                    return bytes.count
                }
                consume(used, from: &input)
                switch outcome {
                case .more, .blank:
                    state = .chunked(.sizeLine(line))
                    return .needMoreData
                case .invalid:
                    // The line so far, the offending byte included, ends at the current offset.
                    state = .ending(isComplete: false)
                    return .diagnostic(
                        .invalidChunkSize,
                        offset: offset &- Int64(line.length),
                        length: line.length,
                        detail: nil
                    )
                case .complete:
                    if line.size == 0 {
                        phase = .trailers(scanned: 0)
                    } else {
                        progress.chunkCount += 1
                        phase = .data(remaining: line.size)
                    }
                }
            case .data(let remaining):
                guard input.readableBytes > 0 else {
                    state = .chunked(phase)
                    return .needMoreData
                }
                let count = min(remaining, input.readableBytes)
                state = .chunked(count == remaining ? .dataEnd(sawCR: false) : .data(remaining: remaining - count))
                offset &+= Int64(count)
                progress.wireBytes &+= count
                return .bodyBytes(input.readSlice(length: count) ?? ByteBuffer())
            case .dataEnd(let sawCR):
                guard let byte = input.getInteger(at: input.readerIndex, as: UInt8.self) else {
                    state = .chunked(phase)
                    return .needMoreData
                }
                if byte == ASCII.cr, !sawCR {
                    consume(1, from: &input)
                    phase = .dataEnd(sawCR: true)
                } else if byte == ASCII.lf {
                    consume(1, from: &input)
                    phase = .sizeLine(ChunkSizeLine())
                } else {
                    // Lenient: take the byte as the start of the next size line.
                    state = .chunked(.sizeLine(ChunkSizeLine()))
                    return .diagnostic(.missingChunkTerminator, offset: offset, length: 0, detail: nil)
                }
            case .trailers(let scanned):
                return stepTrailers(&input, scanned: scanned, at: time)
            }
        }
    }

    /// Reads the trailer section after the last chunk (RFC 9112 §7.1.2).
    private mutating func stepTrailers(_ input: inout ByteBuffer, scanned: Int, at time: Timestamp) -> Output {
        let window = min(input.readableBytes, limits.maxHeadBytes)
        let sectionEnd = input.withUnsafeReadableBytes {
            HeadScanner.findSectionEnd(UnsafeRawBufferPointer(rebasing: $0[..<window]), from: scanned, mayBeEmpty: true)
        }
        switch sectionEnd {
        case .notFound(let resumeAt):
            guard input.readableBytes <= limits.maxHeadBytes else {
                state = .ending(isComplete: false)
                return .diagnostic(.headTooLarge, offset: offset, length: 0, detail: "trailers")
            }
            state = .chunked(.trailers(scanned: resumeAt))
            return .needMoreData
        case .found(let end):
            var problem: ParsedHead.Problem?
            if end > 2 {
                let (trailers, problems) = input.withUnsafeReadableBytes {
                    HeadParser.parseTrailers(
                        UnsafeRawBufferPointer(rebasing: $0[..<end]),
                        maxFields: limits.maxHeaderCount
                    )
                }
                progress.trailers = trailers
                problem = problems.first
            }
            let trailerStart = offset
            consume(end, from: &input)
            state = .ending(isComplete: true)
            guard let problem else { return step(&input, at: time) }
            return .diagnostic(
                problem.kind,
                offset: trailerStart &+ Int64(problem.offset),
                length: problem.length,
                detail: problem.detail
            )
        }
    }

    /// Consumes framing bytes, counting them on the wire.
    private mutating func consume(_ count: Int, from input: inout ByteBuffer) {
        input.moveReaderIndex(forwardBy: count)
        offset &+= Int64(count)
        progress.wireBytes &+= count
    }
}
