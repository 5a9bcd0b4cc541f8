/// One decompressor in a stack of content codings.
///
/// A stage consumes encoded bytes and writes decoded bytes into the caller's buffer, reporting how far
/// it got. Bytes after the end of its stream are consumed and counted, never decoded, so that how the
/// input was split never changes the result. A stage owns C library state, hence a class; it is used by
/// one `ContentDecoder` only.
protocol DecodingStage: AnyObject {
    /// Decodes from `input` into `output` until the input is used up, the output is full or the data is
    /// found corrupt.
    func process(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> StageStep

    /// Whether the input so far forms a complete stream (possibly followed by ignored bytes).
    var isAtEnd: Bool { get }

    /// Bytes seen after the end of the stream, which were ignored.
    var trailingByteCount: Int { get }
}

/// What one call to `DecodingStage.process` achieved.
struct StageStep {
    /// Why the stage stopped.
    enum Status {
        /// Every input byte was used; more input is needed.
        case needsInput
        /// The output buffer is full; call again with the remaining input.
        case outputFull
        /// The input is invalid, with the library's message.
        case failed(detail: String?)
    }

    /// Input bytes used.
    var consumed: Int
    /// Output bytes written.
    var produced: Int
    /// Why the stage stopped.
    var status: Status
}
