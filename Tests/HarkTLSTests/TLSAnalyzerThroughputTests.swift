import Foundation
import HarkCore
import NIOCore
import Testing

@testable import HarkTLS

/// A micro-measure of decryption speed, run on demand in release mode:
/// `HARK_BENCH=1 swift test -c release --filter TLSAnalyzerThroughputTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["HARK_BENCH"] != nil, "a throughput benchmark: set HARK_BENCH=1 to run it"))
struct TLSAnalyzerThroughputTests {
    /// Feeds a connection whose response is `megabytes` MB in full-size records, as 1460-byte segments,
    /// and reports MB/s of plaintext, best of three runs (the machine is shared).
    private func measure(_ script: [(Direction, [UInt8])], keyLog: TLSKeyLog, label: String) {
        var segments: [(Direction, ByteBuffer)] = []
        for (direction, bytes) in script {
            let buffer = ByteBuffer(bytes: bytes)
            var offset = 0
            while offset < bytes.count {
                let length = min(1460, bytes.count - offset)
                segments.append((direction, buffer.getSlice(at: offset, length: length) ?? ByteBuffer()))
                offset += length
            }
        }
        var seconds = Double.infinity
        var plaintext = 0
        for _ in 0..<3 {
            var analyzer = TLSAnalyzer(keyLog: keyLog)
            plaintext = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for (direction, segment) in segments {
                analyzer.receive(segment, from: direction, at: Timestamp(nanoseconds: 0)) { event in
                    if case .plaintext(_, let bytes, _) = event { plaintext += bytes.readableBytes }
                }
            }
            seconds = min(seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print(
            "\(label): \(plaintext / 1_000_000) MB plaintext in \(String(format: "%.3f", seconds)) s = \(String(format: "%.0f", Double(plaintext) / 1e6 / seconds)) MB/s"
        )
        #expect(plaintext > 0)
    }

    private let response = (0..<32_000_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }

    @Test func tls12AESGCM() throws {
        let conversation = TLS12Conversation(suite: .ecdheRSAWithAES256GCMSHA384, response: response)
        measure(try conversation.script(), keyLog: conversation.keyLog, label: "TLS 1.2 AES-256-GCM")
    }

    @Test func tls12AESCBCSHA256() throws {
        let conversation = TLS12Conversation(suite: .rsaWithAES128CBCSHA256, response: response)
        measure(try conversation.script(), keyLog: conversation.keyLog, label: "TLS 1.2 AES-128-CBC-SHA256")
    }

    @Test func tls13ChaCha20() throws {
        let conversation = TLS13Conversation(suite: .tlsChaCha20Poly1305SHA256, response: response)
        measure(try conversation.script(), keyLog: conversation.keyLog, label: "TLS 1.3 ChaCha20-Poly1305")
    }

    @Test func tls13AESGCM() throws {
        let conversation = TLS13Conversation(suite: .tlsAES128GCMSHA256, response: response)
        measure(try conversation.script(), keyLog: conversation.keyLog, label: "TLS 1.3 AES-128-GCM")
    }
}
