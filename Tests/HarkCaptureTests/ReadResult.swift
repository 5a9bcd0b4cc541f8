import HarkCapture
import HarkCore
import NIOCore

/// Everything one reader yields, collected for assertions.
struct ReadResult {
    var frames: [CapturedFrame] = []
    var secrets: [DecryptionSecrets] = []
    var diagnostics: [Diagnostic] = []

    /// Reads `reader` to the end.
    init(_ reader: CaptureReader) {
        for record in reader {
            switch record {
            case .frame(let frame): frames.append(frame)
            case .decryptionSecrets(let secret): secrets.append(secret)
            }
        }
        diagnostics = reader.takeDiagnostics()
    }

    /// Reads a capture held in `bytes`.
    init(bytes: [UInt8], name: String = "test", limits: CaptureLimits = CaptureLimits()) throws {
        self.init(try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: name, limits: limits))
    }

    /// The frames' payloads as byte arrays.
    var payloads: [[UInt8]] { frames.map { Array($0.data.readableBytesView) } }
}
