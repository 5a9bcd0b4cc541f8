public import NIOCore
public import HarkCore

/// Streaming decoder for a body's `Content-Encoding`, with a hard cap on the decoded size.
///
/// Feed the encoded body in chunks as it arrives, then call `finish()`. Stacked codings are
/// undone in reverse order of application (`Content-Encoding: gzip, br` is br-decoded, then
/// gzip-decoded). Nothing throws: problems are recorded in `error` (the first one wins) and decoding
/// stops there, keeping the output produced so far:
/// - an unsupported coding passes the body through unchanged;
/// - reaching `maxOutputBytes` (a decompression bomb, or just a big body) truncates the output there;
/// - past `ratioGraceBytes`, a decoded size over `maxRatio` times the encoded size (a bomb) truncates it;
/// - with a `budget`, its run-wide allowance of decoded bytes used up truncates it;
/// - corrupt data stops decoding; a stream cut short is reported by `finish()`.
///
/// Memory is bounded: each stage decodes through a fixed 32 KiB buffer, decoded bytes are handed to the
/// caller at most 32 KiB at a time, and every stage's output, including intermediate ones, is capped at
/// `maxOutputBytes`. `BodyDecoder` keeps the output in a `BodyStorage`.
///
/// ### Example
/// ```swift
/// let decoder = ContentDecoder(codings: [.gzip], maxOutputBytes: 1 << 20)
/// var decoded = ByteBuffer()
/// for chunk in chunks { decoder.decode(chunk) { decoded.writeBytes($0) } }
/// decoder.finish()
/// if let error = decoder.error { print(error) }
/// ```
///
/// A decoder owns C library state and is not thread-safe: one body, one owner.
public final class ContentDecoder {
    /// The default cap on decoded bytes: 64 MiB.
    public static let defaultMaxOutputBytes = 64 << 20
    /// The default ratio limit: 2,000 decoded bytes per encoded byte (deflate's best is about 1,030; a
    /// brotli bomb reaches millions).
    public static let defaultMaxRatio = 2_000
    /// Decoded bytes produced before the ratio limit applies: a small body compresses as well as it likes.
    public static let ratioGraceBytes = 16 << 20
    /// At most this many non-identity codings are undone; more is reported as an error.
    public static let maxStackedCodings = 4
    private static let stageBufferSize = 32 << 10

    /// The codings, in the order they were applied (header order).
    public let codings: [ContentCoding]
    /// The cap on decoded bytes (and on each intermediate stage's output).
    public let maxOutputBytes: Int
    /// The largest decoded/encoded ratio accepted past `ratioGraceBytes`.
    public let maxRatio: Int
    /// Where the run's allowance of decoded bytes is drawn from; nil for none.
    private let budget: BodyStoragePool?
    /// The first problem met, if any.
    public private(set) var error: ContentDecodingError?
    /// Encoded bytes fed so far.
    public private(set) var inputByteCount = 0
    /// Where in the encoded body the chunk being decoded starts.
    private var chunkStart = 0
    /// Decoded bytes produced so far (at most `maxOutputBytes`).
    public private(set) var outputByteCount = 0

    /// Decoding stages, innermost coding last: stage 0 undoes the last-applied coding.
    private let stages: [any DecodingStage]
    private let stageCodings: [ContentCoding]
    private var stageOutputCounts: [Int]
    private let buffers: UnsafeMutableRawBufferPointer
    private var isStopped = false
    /// The body was decoded in one call by `decodeWhole(_:emit:)`, so the stages never ran.
    private var isDecodedWhole = false

    /// A decoder for `codings`, listed in the order they were applied (as in the header).
    ///
    /// - Parameters:
    ///   - codings: the content codings; `identity` entries are skipped.
    ///   - maxOutputBytes: the cap on decoded bytes; must be positive (smaller values become 1).
    ///   - maxRatio: the ratio limit (values under 1 become 1).
    ///   - budget: the pool whose run-wide allowance of decoded bytes this body draws on; nil for none.
    public init(
        codings: [ContentCoding],
        maxOutputBytes: Int = ContentDecoder.defaultMaxOutputBytes,
        maxRatio: Int = ContentDecoder.defaultMaxRatio,
        budget: BodyStoragePool? = nil
    ) {
        self.codings = codings
        self.maxOutputBytes = max(1, maxOutputBytes)
        self.maxRatio = max(1, maxRatio)
        self.budget = budget
        let applied = codings.filter { $0 != .identity }
        var stages: [any DecodingStage] = []
        var failure: ContentDecodingError?
        if let unsupported = applied.first(where: { !$0.isSupported }) {
            failure = ContentDecodingError(.unsupportedCoding, coding: unsupported, inputOffset: 0)
        } else if applied.count > Self.maxStackedCodings, let first = applied.first {
            failure = ContentDecodingError(
                .tooManyCodings(limit: Self.maxStackedCodings),
                coding: first,
                inputOffset: 0
            )
        } else {
            for coding in applied.reversed() {
                switch coding {
                case .brotli: stages.append(BrotliStage())
                case .deflate: stages.append(ZlibStage(format: .deflate))
                default: stages.append(ZlibStage(format: .gzip))
                }
            }
        }
        self.error = failure
        self.stages = stages
        self.stageCodings = failure == nil ? applied.reversed() : []
        self.stageOutputCounts = Array(repeating: 0, count: stages.count)
        self.buffers = .allocate(byteCount: max(1, stages.count) * Self.stageBufferSize, alignment: 16)
    }

    deinit {
        buffers.deallocate()
    }

    /// Decodes one chunk of the encoded body, handing the decoded bytes to `emit` in order, at most
    /// 32 KiB at a time (the bytes are valid only during the call).
    ///
    /// After an error (other than an unsupported coding, which passes bytes through) further input is
    /// counted but ignored.
    public func decode(_ chunk: ByteBuffer, emit: (UnsafeRawBufferPointer) -> Void) {
        chunkStart = inputByteCount
        inputByteCount &+= chunk.readableBytes
        guard !isStopped else { return }
        chunk.withUnsafeReadableBytes { bytes in
            if stages.isEmpty {
                deliver(bytes, to: emit)
            } else {
                run(bytes, stage: 0, emit: emit)
            }
        }
    }

    /// Whether `decodeWhole(_:emit:)` may take the body: one gzip coding, and nothing fed yet.
    public var decodesWholeBodies: Bool {
        error == nil && inputByteCount == 0 && stages.count == 1 && stageCodings.allSatisfy { $0 == .gzip || $0 == .xGzip }
    }

    /// Decodes a body that is whole in memory in one call when it is one plain gzip member
    /// (``WholeGzipDecoder``: about twice as fast as streaming), handing the decoded bytes to `emit` as
    /// `decode(_:emit:)` does, and returns true. Returns false, having changed nothing, for anything else
    /// (other codings, several members, trailing, corrupt or truncated data, more than `maxOutputBytes`);
    /// the caller then feeds the same bytes to `decode(_:emit:)`, which reports what it finds.
    public func decodeWhole(_ body: ByteBuffer, emit: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard decodesWholeBodies else { return false }
        let decoded = body.withUnsafeReadableBytes { bytes in
            WholeGzipDecoder.decode(bytes, maxOutputBytes: maxOutputBytes) { output in
                inputByteCount = bytes.count
                var offset = 0
                while offset < output.count, !isStopped {
                    let end = min(output.count, offset &+ Self.stageBufferSize)
                    deliver(UnsafeRawBufferPointer(rebasing: output[offset..<end]), to: emit)
                    offset = end
                }
            }
        }
        if decoded { isDecodedWhole = true }
        return decoded
    }

    /// Ends the body, recording a truncated stream or trailing bytes in `error` (every decoded byte was
    /// already handed over). An empty body is never an error.
    public func finish() {
        guard !isStopped, !isDecodedWhole, inputByteCount > 0 else { return }
        for (index, stage) in stages.enumerated() {
            guard stage.isAtEnd else {
                fail(.truncated, stage: index, detail: nil)
                return
            }
            if stage.trailingByteCount > 0 {
                fail(.trailingData(byteCount: stage.trailingByteCount), stage: index, detail: nil)
                return
            }
        }
    }

    /// Decodes a whole body at once.
    ///
    /// - Returns: the decoded bytes (the body unchanged for unsupported codings) and the first error.
    public static func decode(
        _ body: ByteBuffer,
        codings: [ContentCoding],
        maxOutputBytes: Int = defaultMaxOutputBytes
    ) -> (decoded: ByteBuffer, error: ContentDecodingError?) {
        let decoder = ContentDecoder(codings: codings, maxOutputBytes: maxOutputBytes)
        var output = ByteBuffer()
        if !decoder.decodeWhole(body, emit: { output.writeBytes($0) }) {
            decoder.decode(body) { output.writeBytes($0) }
        }
        decoder.finish()
        return (output, decoder.error)
    }

    /// Pushes `input` through stage `index` and everything after it.
    private func run(_ input: UnsafeRawBufferPointer, stage index: Int, emit: (UnsafeRawBufferPointer) -> Void) {
        guard index < stages.count else {
            deliver(input, to: emit)
            return
        }
        let stage = stages[index]
        let buffer = UnsafeMutableRawBufferPointer(
            rebasing: buffers[(index * Self.stageBufferSize)..<((index + 1) * Self.stageBufferSize)]
        )
        var consumed = 0
        while !isStopped {
            let step = stage.process(UnsafeRawBufferPointer(rebasing: input[consumed...]), into: buffer)
            consumed += step.consumed
            if step.produced > 0 {
                stageOutputCounts[index] &+= step.produced
                if index + 1 < stages.count, stageOutputCounts[index] > maxOutputBytes {
                    fail(.outputLimitExceeded(limit: maxOutputBytes), stage: index, detail: nil)
                    return
                }
                run(UnsafeRawBufferPointer(rebasing: buffer[..<step.produced]), stage: index + 1, emit: emit)
            }
            switch step.status {
            case .needsInput:
                return
            case .outputFull:
                continue
            case .failed(let detail):
                // The outermost stage reads the encoded body itself, so it knows where it stopped.
                let offset = index == 0 ? chunkStart &+ consumed : inputByteCount
                fail(.corruptData, stage: index, detail: detail, at: offset)
                return
            }
        }
    }

    /// Hands over final decoded bytes, enforcing the output cap, the run's budget and the ratio limit.
    private func deliver(_ bytes: UnsafeRawBufferPointer, to emit: (UnsafeRawBufferPointer) -> Void) {
        var count = min(bytes.count, maxOutputBytes - outputByteCount)
        var stop: ContentDecodingError.Kind? = count < bytes.count ? .outputLimitExceeded(limit: maxOutputBytes) : nil
        if let budget, count > 0 {
            let granted = budget.reserveDecoded(upTo: count)
            if granted < count {
                count = granted
                stop = .runBudgetExhausted(limit: budget.maxDecodedBytes)
            }
        }
        if count > 0 { emit(UnsafeRawBufferPointer(rebasing: bytes[..<count])) }
        outputByteCount += count
        if stop == nil, outputByteCount > Self.ratioGraceBytes, outputByteCount / max(1, inputByteCount) > maxRatio {
            stop = .ratioExceeded(limit: maxRatio)
        }
        guard let stop else { return }
        let coding = stageCodings.last ?? codings.first ?? .identity
        recordFirst(ContentDecodingError(stop, coding: coding, inputOffset: inputByteCount))
        isStopped = true
    }

    private func fail(_ kind: ContentDecodingError.Kind, stage index: Int, detail: String?, at offset: Int? = nil) {
        let coding = index < stageCodings.count ? stageCodings[index] : .identity
        recordFirst(ContentDecodingError(kind, coding: coding, inputOffset: offset ?? inputByteCount, detail: detail))
        isStopped = true
    }

    private func recordFirst(_ failure: ContentDecodingError) {
        if error == nil { error = failure }
    }
}

@available(*, unavailable)
extension ContentDecoder: Sendable {}
