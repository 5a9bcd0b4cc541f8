import Foundation
import HarkCore
import HarkHTTP1
import NIOCore
import HarkTestSupport
import Testing

/// Hostile input: mutated conversations must never crash, and must give the same events however the
/// bytes are segmented.
@Suite struct HTTP1AnalyzerFuzzTests {
    /// A conversation exercising every framing, pipelining, interim responses and an upgrade.
    private static let clientStream = Array(
        (CorpusMessages.firefoxCSSRequest
            + CorpusMessages.curlPostHead(contentLength: 12) + "name=value&x"
            + wire("POST /chunks HTTP/1.1", "Transfer-Encoding: chunked", "", "") + "3;x=y\r\nabc\r\n0\r\nT: 1\r\n\r\n"
            + CorpusMessages.dockerPingRequest
            + CorpusMessages.dockerAttachRequest + "stdin bytes").utf8
    )

    private static let serverStream = Array(
        (wire("HTTP/1.1 200 OK", "Content-Length: 4", "", "") + "a{};"
            + wire("HTTP/1.1 100 Continue", "", "")
            + CorpusMessages.apacheChunkedHead + "5\r\nhello\r\n0\r\n\r\n"
            + wire("HTTP/1.1 204 No Content", "", "")
            + CorpusMessages.dockerPingResponse
            + CorpusMessages.dockerUpgradedResponse + "raw stream").utf8
    )

    /// A second conversation: pipelining, a refused then an accepted CONNECT, and a tunnel.
    private static let proxyClientStream = Array(
        (wire("GET http://a/1 HTTP/1.1", "Host: a", "", "") + wire("HEAD http://a/2 HTTP/1.0", "", "")
            + CorpusMessages.connectRequest + CorpusMessages.connectRequest + "\u{16}\u{3}\u{1}client hello").utf8
    )

    private static let proxyServerStream = Array(
        (wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "2\r\nok\r\n0\r\n\r\n"
            + wire("HTTP/1.0 200 OK", "Content-Length: 99", "", "")
            + wire("HTTP/1.1 407 Proxy Authentication Required", "Content-Length: 4", "", "") + "deny"
            + CorpusMessages.connectResponse + "\u{16}\u{3}\u{3}server hello").utf8
    )

    /// A conversation with random damage: flipped bytes, inserted garbage, cut ranges and gaps.
    private static func mutatedScript(seed: UInt64) -> [Step] {
        var generator = SplitMix64(seed: seed)
        func damage(_ stream: [UInt8]) -> [[UInt8]] {
            var bytes = stream
            for _ in 0..<Int(generator.next() % 6) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
                case 1:
                    bytes.insert(
                        contentsOf: (0..<Int(generator.next() % 40)).map { _ in
                            UInt8(truncatingIfNeeded: generator.next())
                        },
                        at: position
                    )
                default: bytes.removeSubrange(position..<min(bytes.count, position + Int(generator.next() % 60)))
                }
            }
            // Cut into a few segments, to interleave with the other direction.
            var pieces: [[UInt8]] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(generator.next() % 200))
                pieces.append(Array(bytes[start..<end]))
                start = end
            }
            return pieces
        }
        let proxy = seed % 2 == 0
        var client = damage(proxy ? proxyClientStream : clientStream)[...]
        var server = damage(proxy ? proxyServerStream : serverStream)[...]
        var script: [Step] = []
        var time: Int64 = 0
        while !client.isEmpty || !server.isEmpty {
            time += 1
            let fromClient = server.isEmpty || (!client.isEmpty && generator.next() % 2 == 0)
            let direction: Direction = fromClient ? .clientToServer : .serverToClient
            let piece = fromClient ? client.removeFirst() : server.removeFirst()
            script.append(.bytes(direction, piece, at: time))
            if generator.next() % 10 == 0 { script.append(.gap(direction, Int(generator.next() % 50) + 1, at: time)) }
        }
        return script + Step.finishBoth(at: time + 1)
    }

    /// 600 seeds by default; `HARK_FUZZ_SEEDS=n` runs more.
    @Test func mutatedConversationsAreSegmentationIndependent() {
        let seeds = ProcessInfo.processInfo.environment["HARK_FUZZ_SEEDS"].flatMap { UInt64($0) } ?? 600
        for seed in UInt64(1)...max(1, seeds) {
            let script = Self.mutatedScript(seed: seed)
            // Every third run with tight limits, to reach the overflow paths too.
            let limits =
                seed % 3 == 0
                ? HTTP1Limits(
                    maxHeadBytes: 120,
                    maxHeaderCount: 3,
                    maxBodyBytes: 3,
                    maxPendingRequests: 2,
                    maxHeldBytes: 8
                )
                : HTTP1Limits()
            let reference = run(script, feeding: .whole, limits: limits).coalescingTunnelData()
            for feeding in [Feeding.byteByByte, .randomSplits(seed: seed)] {
                let events = run(script, feeding: feeding, limits: limits).coalescingTunnelData()
                #expect(events == reference, "seed \(seed) fed \(feeding)")
                if events != reference { return }
            }
        }
    }

    @Test func undamagedConversationParsesCompletely() throws {
        let events = runAllWays(
            [
                .bytes(.clientToServer, Self.clientStream, at: 1),
                .bytes(.serverToClient, Self.serverStream, at: 2),
            ] + Step.finishBoth(at: 3)
        )
        #expect(events.exchanges.map { $0.response?.status.rawValue } == [200, 200, 204, 200, 101])
        #expect(events.exchanges[1].interimResponses.map(\.status) == [.continue])
        #expect(events.exchanges[2].request.body.trailers == ["T": "1"])
        #expect(events.tunnelText(.clientToServer) == "stdin bytes")
        #expect(events.tunnelText(.serverToClient) == "raw stream")
        #expect(events.diagnostics.isEmpty)
        let proxy = runAllWays(
            [
                .bytes(.clientToServer, Self.proxyClientStream, at: 1),
                .bytes(.serverToClient, Self.proxyServerStream, at: 2),
            ] + Step.finishBoth(at: 3)
        )
        #expect(proxy.exchanges.map { $0.response?.status.rawValue } == [200, 200, 407, 200])
        #expect(proxy.tunnelText(.clientToServer) == "\u{16}\u{3}\u{1}client hello")
        #expect(proxy.tunnelText(.serverToClient) == "\u{16}\u{3}\u{3}server hello")
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(seed: 99)
        for _ in 0..<50 {
            let noise = (0..<Int(generator.next() % 3000)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let events = run(
                [.bytes(.clientToServer, noise), .bytes(.serverToClient, noise)] + Step.finishBoth(),
                feeding: .randomSplits(seed: generator.next())
            )
            #expect(events.exchanges.isEmpty)
        }
    }
}
