import CBrotli

/// Decodes `br` (RFC 7932) with the reference brotli decoder.
final class BrotliStage: DecodingStage {
    private let state: OpaquePointer?
    private var ended = false
    private var ignoredBytes = 0

    init() {
        state = BrotliDecoderCreateInstance(nil, nil, nil)
    }

    deinit {
        if let state { BrotliDecoderDestroyInstance(state) }
    }

    var isAtEnd: Bool { ended }

    var trailingByteCount: Int { ignoredBytes }

    func process(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> StageStep {
        guard !ended else {
            ignoredBytes &+= input.count
            return StageStep(consumed: input.count, produced: 0, status: .needsInput)
        }
        guard let state else {
            return StageStep(consumed: 0, produced: 0, status: .failed(detail: "brotli decoder allocation failed"))
        }
        var availableIn = input.count
        var nextIn = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var availableOut = output.count
        var nextOut = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let result = BrotliDecoderDecompressStream(state, &availableIn, &nextIn, &availableOut, &nextOut, nil)
        let consumed = input.count - availableIn
        let produced = output.count - availableOut
        switch result {
        case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT:
            return StageStep(consumed: consumed, produced: produced, status: .needsInput)
        case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
            return StageStep(consumed: consumed, produced: produced, status: .outputFull)
        case BROTLI_DECODER_RESULT_SUCCESS:
            ended = true
            ignoredBytes &+= availableIn
            return StageStep(consumed: input.count, produced: produced, status: .needsInput)
        default:
            let code = BrotliDecoderGetErrorCode(state)
            let message = BrotliDecoderErrorString(code).map { String(cString: $0) } ?? "brotli error"
            return StageStep(consumed: consumed, produced: produced, status: .failed(detail: message))
        }
    }
}
