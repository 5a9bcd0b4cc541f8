import CZlib
import HarkCore
import HarkHTTP2
import HarkTestSupport
import NIOCore
import Testing

private let get: [(String, String)] = [(":method", "GET"), (":scheme", "http"), (":authority", "example.com"), (":path", "/a")]

@Test func aSimpleExchangeHasPseudoHeadersApartAndTimings() throws {
    var client = Encoder()
    var server = Encoder()
    let script: [Step] = [
        .client(preface + frame(.settings, stream: 0) + frame(.headers, [.endHeaders, .endStream], stream: 1,
            client.block(get + [("accept", "*/*")])), at: 1),
        .server(frame(.settings, stream: 0) + frame(.headers, .endHeaders, stream: 1,
            server.block([(":status", "200"), ("content-type", "text/plain")])), at: 5),
        .server(frame(.data, stream: 1, Array("hel".utf8)), at: 6),
        .server(frame(.data, .endStream, stream: 1, Array("lo".utf8)), at: 8),
    ]
    let events = runAllWays(script)
    #expect(events.diagnostics.isEmpty)
    let exchange = try #require(events.exchanges.first)
    #expect(events.exchanges.count == 1)
    #expect(exchange.streamID == 1 && exchange.issues.isEmpty)
    let request = try #require(exchange.request)
    #expect(request.method == .get && request.authority == "example.com" && request.path == "/a" && request.scheme == "http")
    #expect(request.headers == ["accept": "*/*"])
    #expect(request.firstByteTime == ms(1) && request.lastByteTime == ms(1))
    let response = try #require(exchange.response)
    #expect(response.status == .ok && response.headers == ["content-type": "text/plain"])
    #expect(response.body.bytes.text == "hello" && response.body.frameCount == 2)
    #expect(response.firstByteTime == ms(5) && response.lastByteTime == ms(8))
}

@Test func continuationPaddingAndTrailersAreAssembled() throws {
    var client = Encoder()
    var server = Encoder()
    let block = client.block(get + [("x-long", String(repeating: "v", count: 40))])
    let split = block.count / 2
    let trailers = server.block([("grpc-status", "0"), ("x-checksum", "abc")])
    let script: [Step] = [
        .client(preface + frame(.headers, .padded, stream: 1, padded(Array(block.prefix(split)), padding: 5))
            + frame(.continuation, [], stream: 1, Array(block.dropFirst(split).prefix(3)))
            + frame(.continuation, .endHeaders, stream: 1, Array(block.dropFirst(split + 3)))
            + frame(.data, [.padded, .endStream], stream: 1, padded(Array("body".utf8), padding: 7))),
        .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "200")]))
            + frame(.data, [], stream: 1, Array("ok".utf8))
            + frame(.headers, [.endHeaders, .endStream], stream: 1, trailers)),
    ]
    let exchange = try #require(runAllWays(script).exchanges.first)
    #expect(exchange.request?.headers.first("x-long")?.count == 40)
    #expect(exchange.request.map { $0.body.bytes.text } == "body")
    #expect(exchange.response?.trailers?.fields == ["grpc-status": "0", "x-checksum": "abc"])
    #expect(exchange.issues.isEmpty)
}

@Test func interimResponsesRstStreamAndIncompleteStreams() throws {
    var client = Encoder()
    var server = Encoder()
    let script: [Step] = [
        .client(preface + frame(.headers, .endHeaders, stream: 1, client.block(get))
            + frame(.headers, [.endHeaders, .endStream], stream: 3, client.block(get))
            + frame(.headers, [.endHeaders, .endStream], stream: 5, client.block(get))),
        .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "103"), ("link", "</s.css>")]))
            + frame(.rstStream, stream: 1, be32(HTTP2ErrorCode.refusedStream.rawValue))
            + frame(.headers, .endHeaders, stream: 3, server.block([(":status", "204")]))),
        .finish(at: 9),
    ]
    let exchanges = runAllWays(script).exchanges
    #expect(exchanges.map(\.streamID) == [1, 3, 5])
    #expect(exchanges[0].interimResponses.first?.status == .earlyHints)
    #expect(exchanges[0].response == nil)
    #expect(exchanges[0].issues.contains(.reset(.refusedStream, by: .serverToClient)))
    #expect(exchanges[0].issues.contains(.responseIncomplete(.reset)))
    #expect(exchanges[1].response?.status == .noContent)
    #expect(exchanges[1].issues == [.responseIncomplete(.connectionEnded)])
    #expect(exchanges[2].response == nil && exchanges[2].issues == [.responseIncomplete(.connectionEnded)])
}

@Test func pushPromiseCreatesAPushedExchange() throws {
    var client = Encoder()
    var server = Encoder()
    let promised = server.block([(":method", "GET"), (":scheme", "http"), (":authority", "example.com"), (":path", "/style.css")])
    let script: [Step] = [
        .client(preface + frame(.headers, [.endHeaders, .endStream], stream: 1, client.block(get))),
        .server(frame(.pushPromise, .endHeaders, stream: 1, be32(2) + promised)
            + frame(.headers, [.endHeaders, .endStream], stream: 1, server.block([(":status", "200")]))
            + frame(.headers, .endHeaders, stream: 2, server.block([(":status", "200"), ("content-type", "text/css")]))
            + frame(.data, .endStream, stream: 2, Array("a{}".utf8))),
    ]
    let exchanges = runAllWays(script).exchanges
    #expect(exchanges.map(\.streamID) == [1, 2])
    let pushed = try #require(exchanges.last)
    #expect(pushed.isPushed && pushed.promisedOn == 1)
    #expect(pushed.request?.path == "/style.css" && pushed.response?.headers.first("content-type") == "text/css")
    #expect(pushed.issues.isEmpty)
}

@Test func goawayMarksStreamsAboveTheLastStreamID() throws {
    var client = Encoder()
    let script: [Step] = [
        .client(preface + frame(.headers, [.endHeaders, .endStream], stream: 1, client.block(get))
            + frame(.headers, [.endHeaders, .endStream], stream: 3, client.block(get))),
        .server(frame(.goaway, stream: 0, be32(1) + be32(HTTP2ErrorCode.enhanceYourCalm.rawValue))),
        .finish(),
    ]
    let exchanges = runAllWays(script).exchanges
    #expect(!exchanges[0].issues.contains { if case .abandonedByGoaway = $0 { true } else { false } })
    #expect(exchanges[1].issues.first == .abandonedByGoaway(lastStreamID: 1, errorCode: .enhanceYourCalm))
}

@Test func anUpgradeRequestPairsWithStreamOne() throws {
    var server = Encoder()
    let request = HTTP2Request.upgrade(
        method: .get, target: "/eicar", headers: ["Host": "127.0.0.1:8080", "Upgrade": "h2c", "Range": "bytes=0-10"],
        firstByteTime: ms(1), lastByteTime: ms(1))
    let script: [Step] = [
        .server(frame(.settings, stream: 0) + frame(.headers, .endHeaders, stream: 1, server.block([(":status", "206")]))
            + frame(.data, .endStream, stream: 1, Array("0123456789A".utf8)), at: 3),
        .client(preface + frame(.settings, stream: 0), at: 4),
    ]
    let exchange = try #require(runAllWays(script, analyzer: HTTP2Analyzer(upgradedFrom: request)).exchanges.first)
    #expect(exchange.streamID == 1 && exchange.issues.isEmpty)
    #expect(exchange.request?.authority == "127.0.0.1:8080" && exchange.request?.path == "/eicar")
    #expect(exchange.request?.headers == ["range": "bytes=0-10"])
    #expect(exchange.response?.status == .partialContent)
}

@Test func contentEncodingIsDecodedAndBodiesAreBounded() throws {
    var client = Encoder()
    var server = Encoder()
    let text = String(repeating: "compressible ", count: 50)
    let gzipped = try gzip(Array(text.utf8))
    let script: [Step] = [
        .client(preface + frame(.headers, .endHeaders, stream: 1, client.block(get))
            + frame(.data, .endStream, stream: 1, Array(repeating: 0x78, count: 100))),
        .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "200"), ("content-encoding", "gzip")]))
            + frame(.data, .endStream, stream: 1, gzipped)),
    ]
    let unbounded = try #require(runAllWays(script).exchanges.first)
    #expect(unbounded.response.map { $0.body.content.text } == text)
    let bounded = try #require(
        runAllWays(script, analyzer: HTTP2Analyzer(limits: HTTP2Limits(maxBodyBytes: 10))).exchanges.first)
    #expect(bounded.request?.body.bytes.count == 10 && bounded.request?.body.length == 100)
    #expect(bounded.issues.contains(.bodyTruncated(.clientToServer, keptBytes: 10)))
    // Decoded as DATA arrived, so in full, though only the first 10 decoded bytes are kept.
    #expect(bounded.response?.body.decoded?.text == String(text.prefix(10)))
    #expect(bounded.response?.body.decodedLength == text.utf8.count)
    #expect(bounded.response?.body.decodingError == nil)
}

/// `bytes` gzip-compressed with zlib.
func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
    var stream = z_stream()
    #expect(deflateInit2_(&stream, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    var input = bytes
    var output = [UInt8](repeating: 0, count: bytes.count + 128)
    let written = input.withUnsafeMutableBufferPointer { inputPointer in
        output.withUnsafeMutableBufferPointer { outputPointer in
            stream.next_in = inputPointer.baseAddress
            stream.avail_in = UInt32(inputPointer.count)
            stream.next_out = outputPointer.baseAddress
            stream.avail_out = UInt32(outputPointer.count)
            _ = deflate(&stream, Z_FINISH)
            return outputPointer.count - Int(stream.avail_out)
        }
    }
    deflateEnd(&stream)
    return Array(output.prefix(written))
}

@Test func aMidConnectionCaptureKeepsPartialHeadersAndGoesOn() throws {
    var server = Encoder()
    var client = Encoder()
    // Before the capture: both tables filled.
    _ = server.block([(":status", "200"), ("x-served-by", "cache-1")])
    _ = client.block(get + [("cookie", "a=1")])
    let script: [Step] = [
        // The capture starts inside a DATA payload of stream 5 (server) and mid-frame on the client.
        .server(Array("end of an earlier body".utf8)
            + frame(.data, .endStream, stream: 5, Array("tail".utf8))
            + frame(.headers, .endHeaders, stream: 7, server.block([(":status", "200"), ("x-served-by", "cache-1")]))
            + frame(.data, .endStream, stream: 7, Array("seven".utf8)), at: 2),
        .client([0x00, 0x01] + frame(.headers, [.endHeaders, .endStream], stream: 9, client.block(get + [("cookie", "a=1")])), at: 3),
        .server(frame(.headers, [.endHeaders, .endStream], stream: 9, server.block([(":status", "404")])), at: 4),
        .finish(at: 5),
    ]
    let events = runAllWays(script, analyzer: HTTP2Analyzer(start: .midConnection))
    // Stream 9 completes when the client's direction ends; 5 and 7 are emitted unfinished after it.
    #expect(events.exchanges.map(\.streamID) == [9, 5, 7])
    let exchanges = events.exchanges.sorted { $0.streamID < $1.streamID }
    #expect(exchanges[0].request == nil && exchanges[0].response == nil && exchanges[0].issues.first == .noRequestSeen)
    #expect(exchanges[1].response?.status == .ok)
    #expect(exchanges[1].response?.head.unresolved.count == 1)
    #expect(exchanges[1].issues.contains(.headersPartial(.serverToClient)))
    #expect(exchanges[1].response.map { $0.body.bytes.text } == "seven")
    // Static-table and literal fields decode; references to the unseen table entries do not.
    // `:method GET` is in the static table; `:path /a` was added to the client's table before the capture.
    #expect(exchanges[2].request?.method == .get && exchanges[2].request?.path == nil)
    #expect(exchanges[2].request?.head.isPartial == true)
    #expect(exchanges[2].response?.status == HTTPStatusCode(rawValue: 404))
    #expect(events.diagnostics.contains { $0.kind == .skippedBytes && $0.direction == .serverToClient })
    #expect(events.diagnostics.contains { if case .unresolvedHeaderFields = $0.kind { true } else { false } })
}

@Test func aGapInDataCountsMissingBytes() throws {
    var client = Encoder()
    var server = Encoder()
    let data = frame(.data, .endStream, stream: 1, Array("0123456789".utf8))
    let script: [Step] = [
        .client(preface + frame(.headers, [.endHeaders, .endStream], stream: 1, client.block(get))),
        .server(frame(.headers, .endHeaders, stream: 1, server.block([(":status", "200")])) + Array(data.prefix(11))),
        .gap(.serverToClient, 5),
        .server(Array(data.dropFirst(16)) + frame(.ping, stream: 0, Array(repeating: 0, count: 8))),
        .finish(),
    ]
    let events = runAllWays(script)
    let exchange = try #require(events.exchanges.first)
    #expect(exchange.issues.contains(.bytesMissing(.serverToClient, count: 10)))
    #expect(exchange.issues.contains(.responseIncomplete(.connectionEnded)))
    #expect(events.diagnostics.map(\.kind) == [.frameCutByGap(.data)])
}
