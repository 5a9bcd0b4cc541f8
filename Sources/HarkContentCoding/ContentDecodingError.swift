/// Why a body could not be (fully) content-decoded, and where.
///
/// Decoding never throws: the decoder keeps whatever output it produced and records the first error.
public struct ContentDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// The coding is not one hark decodes; the body is passed through unchanged.
        case unsupportedCoding
        /// Decoding would produce more than `limit` bytes (a decompression bomb or just a huge body); the
        /// output stops at `limit` bytes.
        case outputLimitExceeded(limit: Int)
        /// Past `ContentDecoder.ratioGraceBytes`, the decoded size grew beyond `limit` times the encoded
        /// size (a decompression bomb); the output stops there.
        case ratioExceeded(limit: Int)
        /// The run's budget of decoded bytes (`BodyStoragePool.maxDecodedBytes`, `limit`) is used up; the
        /// output stops there.
        case runBudgetExhausted(limit: Int)
        /// The compressed data is invalid; `detail` holds the library's message.
        case corruptData
        /// The compressed stream ended before its end marker.
        case truncated
        /// Bytes followed the end of the compressed stream; they were ignored.
        case trailingData(byteCount: Int)
        /// More codings are stacked than the decoder accepts.
        case tooManyCodings(limit: Int)
    }

    /// What went wrong.
    public var kind: Kind
    /// The coding whose stage failed.
    public var coding: ContentCoding
    /// Where in the encoded body the error was found: for corrupt data in the outermost coding, the byte
    /// the decompressor stopped at (it may have read a few bytes past the bad one); otherwise how many
    /// encoded bytes had been fed to the decoder.
    public var inputOffset: Int
    /// The decompression library's own message, when it gave one.
    public var detail: String?

    /// An error of `kind` in the stage undoing `coding`, `inputOffset` encoded bytes in.
    public init(_ kind: Kind, coding: ContentCoding, inputOffset: Int, detail: String? = nil) {
        self.kind = kind
        self.coding = coding
        self.inputOffset = inputOffset
        self.detail = detail
    }

    /// `gzip: corrupt data at encoded byte 120 (invalid distance too far back)`; `zstd: unsupported
    /// content coding, body kept as is`.
    public var description: String {
        let what: String
        switch kind {
        case .unsupportedCoding: what = "unsupported content coding, body kept as is"
        case .outputLimitExceeded(let limit): what = "decoded size exceeds the \(limit)-byte limit, output truncated"
        case .ratioExceeded(let limit):
            what = "decoded size exceeds \(limit) times the encoded size (a decompression bomb), output truncated"
        case .runBudgetExhausted(let limit):
            what = "the run's budget of \(limit) decoded bytes is used up, output truncated"
        case .corruptData: what = "corrupt data"
        case .truncated: what = "stream truncated"
        case .trailingData(let count): what = "\(count) bytes after the end of the stream ignored"
        case .tooManyCodings(let limit): what = "more than \(limit) stacked codings"
        }
        let detailText = detail.map { " (\($0))" } ?? ""
        switch kind {
        case .unsupportedCoding, .tooManyCodings:  // about the header, not the data
            return "\(coding): \(what)\(detailText)"
        default:
            return "\(coding): \(what) at encoded byte \(inputOffset)\(detailText)"
        }
    }
}
