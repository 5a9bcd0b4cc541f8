import HarkCore
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkFastCGI

/// A CGI response whose head names a content coding is decoded as an HTTP body is: streaming, capped,
/// and saying when it cannot be.
@Suite struct FastCGIContentCodingTests {
    private let text = String(repeating: "compressed by php line\n", count: 200)

    /// The exchange for `output`; with `cutAt`, only that many output bytes came before the connection ended.
    private func run(_ output: [UInt8], decodesContent: Bool = true, cutAt: Int? = nil) -> FastCGIExchange? {
        var analyzer = FastCGIAnalyzer(decodesContent: decodesContent)
        var exchanges: [FastCGIExchange] = []
        let time = Timestamp(nanoseconds: 0)
        let request = FastCGIRecords.begin() + FastCGIRecords.stream(4, FastCGIRecords.pairs([("REQUEST_METHOD", "GET"), ("REQUEST_URI", "/gzip.php")]))
            + FastCGIRecords.stream(5, [])
        // The output in 100-byte STDOUT records, so that the head and the body are split across them.
        let response = cutAt.map { FastCGIRecords.record(6, Array(output.prefix($0))) } ?? FastCGIRecords.stream(6, output, size: 100) + FastCGIRecords.end()
        analyzer.receive(ByteBuffer(bytes: request), from: .clientToServer, at: time) { if case .exchange(let e) = $0 { exchanges.append(e) } }
        analyzer.receive(ByteBuffer(bytes: response), from: .serverToClient, at: time) { if case .exchange(let e) = $0 { exchanges.append(e) } }
        for direction in Direction.allCases { analyzer.finish(direction, at: time) { if case .exchange(let e) = $0 { exchanges.append(e) } } }
        return exchanges.first
    }

    private func head(_ coding: String) -> [UInt8] {
        Array("Content-Type: text/plain\r\nContent-Encoding: \(coding)\r\n\r\n".utf8)
    }

    @Test func aGzipBodyIsDecoded() throws {
        let gzip = ZlibCompressor.compress(Array(text.utf8), wrapper: .gzip)
        let stdout = try #require(run(head("gzip") + gzip)?.stdout)
        #expect(stdout.contentCodings == ["gzip"])
        #expect(stdout.length == gzip.count)
        #expect(stdout.decodedLength == text.utf8.count)
        #expect(stdout.decoded?.text == text)
        #expect(stdout.decodingError == nil)
    }

    @Test func withoutDecodingTheCodingIsStillNamed() throws {
        let gzip = ZlibCompressor.compress(Array(text.utf8), wrapper: .gzip)
        let stdout = try #require(run(head("gzip") + gzip, decodesContent: false)?.stdout)
        #expect(stdout.contentCodings == ["gzip"])
        #expect(stdout.decoded == nil)
        #expect(stdout.bytes.count == gzip.count)
    }

    @Test func aBodyCutBeforeItsEndSaysWhyItIsNotDecoded() throws {
        let gzip = ZlibCompressor.compress(Array(text.utf8), wrapper: .gzip)
        let exchange = try #require(run(head("gzip") + gzip, cutAt: head("gzip").count + gzip.count / 2))
        #expect(exchange.stdout.decodingError?.isEmpty == false, "\(exchange.stdout)")
        #expect((exchange.stdout.decodedLength ?? 0) < text.utf8.count)
    }

    @Test func anUnknownCodingIsReportedNotGuessed() throws {
        let stdout = try #require(run(head("x-unknown") + Array("raw".utf8))?.stdout)
        #expect(stdout.contentCodings == ["x-unknown"])
        #expect(stdout.decodingError?.contains("x-unknown") == true, "\(stdout.decodingError ?? "nil")")
    }
}
