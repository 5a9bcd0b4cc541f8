import HarkContentCoding
import HarkCore
import HarkHTTP1
import NIOCore
import HarkTestSupport
import Testing

/// Body framing, message boundaries and what each message records.
@Suite struct HTTP1AnalyzerTests {
    @Test func contentLengthExchangeRecordsHeadBodyTimesAndOffsets() throws {
        let request = CorpusMessages.firefoxCSSRequest
        let responseHead = wire("HTTP/1.1 200 OK", "Content-Type: text/css", "Content-Length: 11", "", "")
        let events = runAllWays([
            .client(request, at: 1),
            .server(responseHead, at: 5),
            .server("body {x:1;}", at: 6),
        ])
        let exchange = try #require(events.exchanges.first)
        #expect(events.count == 1)
        #expect(exchange.request.method == .get)
        #expect(exchange.request.target == "/style/enhanced.css")
        #expect(exchange.request.version == "HTTP/1.1")
        #expect(exchange.request.headers.first("host") == "www.mozilla.org")
        #expect(exchange.request.headers.count == 9)
        #expect(
            exchange.request.headers.fields[1]
                == .init(
                    name: "User-Agent",
                    value: "Mozilla/5.0 (Windows; U; Windows NT 5.1; en-US; rv:1.9.1.5) Gecko/20091102 Firefox/3.5.5"
                )
        )
        #expect(exchange.request.headSize == request.utf8.count)
        #expect(exchange.request.body.framing == .none)
        #expect(
            exchange.request.span
                == HTTP1WireSpan(
                    startOffset: 0,
                    endOffset: Int64(request.utf8.count),
                    firstByteTime: ms(1),
                    lastByteTime: ms(1)
                )
        )
        let response = try #require(exchange.response)
        #expect(response.status == .ok)
        #expect(response.reason == "OK")
        #expect(response.body.framing == .contentLength)
        #expect(response.body.declaredLength == 11)
        #expect(response.body.bytes.text == "body {x:1;}")
        #expect(response.body.wireBytes == 11)
        #expect(response.body.isComplete)
        #expect(response.span.firstByteTime == ms(5))
        #expect(response.span.lastByteTime == ms(6))
        #expect(response.span.endOffset == Int64(responseHead.utf8.count + 11))
        #expect(exchange.issues.isEmpty)
        #expect(exchange.pipelineDepth == 0)
    }

    @Test func chunkedBodyWithExtensionsAndTrailers() throws {
        let body = "4;name=value\r\nWiki\r\n5 ; ext\r\npedia\r\n0\r\nExpires: never\r\nX-Checksum: abc\r\n\r\n"
        let events = runAllWays([
            .client(wire("GET /chunked HTTP/1.1", "Host: a", "", "")),
            .server(CorpusMessages.apacheChunkedHead + body),
            .finish(.serverToClient),
        ])
        let response = try #require(events.exchanges.first?.response)
        #expect(response.body.framing == .chunked)
        #expect(response.body.bytes.text == "Wikipedia")
        #expect(response.body.chunkCount == 2)
        #expect(response.body.wireBytes == body.utf8.count)
        #expect(response.body.trailers == ["Expires": "never", "X-Checksum": "abc"])
        #expect(response.body.isComplete)
        #expect(!response.isPersistent)
        #expect(events.diagnostics.isEmpty)
    }

    @Test func closeDelimitedBodyEndsWhenTheServerCloses() throws {
        let events = runAllWays([
            .client(wire("GET /old HTTP/1.0", "", "")),
            .server(wire("HTTP/1.0 200 OK", "Content-Type: text/plain", "", "") + "all of this, until FIN", at: 3),
            .finish(.serverToClient, at: 9),
            .finish(.clientToServer, at: 9),
        ])
        let exchange = try #require(events.exchanges.first)
        let response = try #require(exchange.response)
        #expect(response.body.framing == .closeDelimited)
        #expect(response.body.bytes.text == "all of this, until FIN")
        #expect(response.body.isComplete)
        #expect(response.span.lastByteTime == ms(9))
        #expect(exchange.issues.isEmpty)
    }

    @Test func headResponseHasNoBodyDespiteContentLength() throws {
        let events = runAllWays([
            .client(CorpusMessages.dockerPingRequest),
            .server(CorpusMessages.dockerPingResponse),
            .client(wire("GET /_ping HTTP/1.1", "Host: 192.168.122.87:2375", "", "")),
            .server(CorpusMessages.dockerPingResponse + "OK"),
        ])
        #expect(events.exchanges.count == 2)
        let head = try #require(events.exchanges.first?.response)
        #expect(head.headers.first("Content-Length") == "2")
        #expect(head.body.framing == .none)
        #expect(head.body.length == 0)
        #expect(events.exchanges.last?.response?.body.bytes.text == "OK")
    }

    @Test(arguments: [204, 304, 103])
    func statusesWithoutBody(status: Int) throws {
        // A 304 may repeat the Content-Length of the full representation; the next response follows at once.
        let events = runAllWays([
            .client(wire("GET /a HTTP/1.1", "Host: a", "", "") + wire("GET /b HTTP/1.1", "Host: a", "", "")),
            .server(
                wire("HTTP/1.1 \(status) Whatever", "Content-Length: 120", "ETag: \"x\"", "", "")
                    + wire("HTTP/1.1 200 OK", "Content-Length: 1", "", "") + "b"
            ),
        ])
        if status == 103 {
            // 103 is interim: both heads belong to the first exchange.
            let exchange = try #require(events.exchanges.first)
            #expect(exchange.interimResponses.map(\.status.rawValue) == [103])
            #expect(exchange.response?.body.bytes.text == "b")
        } else {
            #expect(events.exchanges.map { $0.response?.status.rawValue } == [status, 200])
            #expect(events.exchanges.first?.response?.body.framing == HTTP1Framing.none)
            #expect(events.exchanges.last?.response?.body.bytes.text == "b")
        }
    }

    @Test func manyMessagesInOneSegmentAndOneMessageOverManySegments() throws {
        let head = wire("HTTP/1.1 200 OK", "Content-Length: 5", "", "")
        let events = runAllWays([
            .client(String(repeating: wire("GET /x HTTP/1.1", "Host: a", "", ""), count: 4)),
            .server(String(repeating: head + "hello", count: 3) + head, at: 2),
            .server("he", at: 3),
            .server("l", at: 4),
            .server("lo", at: 5),
        ])
        #expect(events.exchanges.count == 4)
        #expect(events.exchanges.allSatisfy { $0.response?.body.bytes.text == "hello" })
        #expect(events.exchanges.map(\.index) == [0, 1, 2, 3])
        #expect(events.exchanges.last?.response?.span.lastByteTime == ms(5))
    }

    @Test func http10DefaultsToCloseUnlessKeepAliveIsStated() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.0", "Connection: Keep-Alive", "", "")),
            .server(wire("HTTP/1.0 200 OK", "Connection: keep-alive", "Content-Length: 0", "", "")),
            .client(wire("GET /2 HTTP/1.0", "", "")),
            .server(wire("HTTP/1.0 200 OK", "Content-Length: 0", "", "")),
            .client(wire("GET /3 HTTP/1.1", "Connection: close", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")),
        ])
        #expect(events.exchanges.map(\.request.isPersistent) == [true, false, false])
        #expect(events.exchanges.map { $0.response?.isPersistent } == [true, false, true])
        #expect(events.exchanges.first?.request.versionNumber == .http1_0)
    }

    @Test func requestBodyWithContentLength() throws {
        let json = #"{"Hostname":"","AttachStdin":true,"Image":"busybox"}"#
        let events = runAllWays([
            .client(
                wire(
                    "POST /v1.41/containers/create HTTP/1.1",
                    "Host: 192.168.122.87:2375",
                    "Content-Length: \(json.utf8.count)",
                    "Content-Type: application/json",
                    "",
                    ""
                ) + json
            ),
            .server(wire("HTTP/1.1 201 Created", "Content-Type: application/json", "Content-Length: 2", "", "") + "{}"),
        ])
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.request.body.bytes.text == json)
        #expect(exchange.response?.status.rawValue == 201)
        #expect(exchange.response?.reason == "Created")
    }

    @Test func contentEncodedBodyIsDecoded() throws {
        let text = String(repeating: "body { margin: 0 }\n", count: 50)
        let gzip = ZlibCompressor.compress(Array(text.utf8), wrapper: .gzip)
        let events = runAllWays([
            .client(CorpusMessages.firefoxCSSRequest),
            .bytes(.serverToClient, Array(CorpusMessages.netscalerResponseHead(contentLength: gzip.count).utf8) + gzip),
        ])
        let response = try #require(events.exchanges.first?.response)
        #expect(response.body.declaredLength == gzip.count)
        #expect(response.body.contentCodings == [.gzip])
        #expect(response.body.decoded?.text == text)
        #expect(response.body.decodingError == nil)
        #expect(response.body.content.text == text)
    }

    @Test func corruptContentEncodingKeepsTheBodyAndTheError() throws {
        let events = runAllWays([
            .client(CorpusMessages.firefoxCSSRequest),
            .server(CorpusMessages.netscalerResponseHead(contentLength: 9, encoding: "gzip, zstd") + "not gzip!"),
        ])
        let body = try #require(events.exchanges.first?.response?.body)
        #expect(body.bytes.text == "not gzip!")
        #expect(body.decodingError?.kind == .unsupportedCoding)
        #expect(body.decoded?.text == "not gzip!")
    }

    @Test func bodiesOverTheLimitAreCountedNotKept() throws {
        let limits = HTTP1Limits(maxBodyBytes: 4)
        let events = runAllWays(
            [
                .client(wire("PUT /f HTTP/1.1", "Content-Length: 10", "", "") + "0123456789"),
                .server(wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "6\r\nabcdef\r\n0\r\n\r\n"),
            ],
            limits: limits
        )
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.request.body.bytes.text == "0123")
        #expect(exchange.request.body.length == 10)
        #expect(exchange.response?.body.bytes.text == "abcd")
        #expect(exchange.issues == [.requestBodyTruncated(keptBytes: 4), .responseBodyTruncated(keptBytes: 4)])
    }
}

@Suite struct HTTP1AnalyzerValueSemanticsTests {
    @Test func copiesOfAnAnalyzerAreIndependent() throws {
        var first = HTTP1Analyzer()
        var events: [HTTP1Event] = []
        first.receive(ByteBuffer(string: wire("GET /a HTTP/1.1", "", "")), from: .clientToServer, at: ms(1)) {
            events.append($0)
        }
        var second = first
        var firstEvents: [HTTP1Event] = []
        var secondEvents: [HTTP1Event] = []
        let interim = ByteBuffer(string: wire("HTTP/1.1 103 Early Hints", "Link: </a.css>", "", ""))
        let final = ByteBuffer(string: wire("HTTP/1.1 204 No Content", "", ""))
        first.receive(interim, from: .serverToClient, at: ms(2)) { firstEvents.append($0) }
        first.receive(final, from: .serverToClient, at: ms(3)) { firstEvents.append($0) }
        second.receive(final, from: .serverToClient, at: ms(4)) { secondEvents.append($0) }
        #expect(events.isEmpty)
        #expect(firstEvents.exchanges.first?.interimResponses.count == 1)
        #expect(secondEvents.exchanges.first?.interimResponses.isEmpty == true)
        #expect(secondEvents.exchanges.first?.response?.span.firstByteTime == ms(4))
    }
}
