import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// Gaps, garbage, captures that start mid-connection, and HTTP/0.9 answers.
@Suite struct MessageReaderRecoveryTests {
    private let okHead = wire("HTTP/1.1 200 OK", "Content-Length: 5", "", "")

    @Test func captureStartingInsideABodyResyncsAtTheNextMessage() throws {
        let tail = "ter of a previous body }\n</html>\n"
        let events = runAllWays([
            .server(tail, at: 1),
            .client("tail of an upload" + wire("GET /next HTTP/1.1", "Host: bro.org", "", ""), at: 2),
            .server("\0\u{1}binary" + okHead + "hello", at: 3),
        ])
        let skipped = events.diagnostics
        #expect(skipped.map(\.kind) == [.unparseableBytes, .unparseableBytes])
        #expect(skipped.first?.direction == .clientToServer)
        #expect(skipped.first?.length == "tail of an upload".utf8.count)
        #expect(skipped.last?.direction == .serverToClient)
        #expect(skipped.last?.streamOffset == 0)
        #expect(skipped.last?.length == tail.utf8.count + 8)
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.request.target == "/next")
        #expect(exchange.request.span.startOffset == 17)
        #expect(exchange.response?.body.bytes.text == "hello")
    }

    @Test func garbageBetweenMessagesIsReportedAndSkipped() throws {
        let events = runAllWays([
            .client(wire("GET /1 HTTP/1.1", "", "") + "\u{7f}ELF garbage\r\n\r\n" + wire("GET /2 HTTP/1.1", "", "")),
            .server(okHead + "first" + "junk junk HTTP/1.1 junk" + okHead + "again"),
        ])
        #expect(events.exchanges.map { $0.response?.body.bytes.text } == ["first", "again"])
        #expect(events.diagnostics.map(\.kind) == [.unparseableBytes, .unparseableBytes])
        #expect(events.diagnostics.map(\.length) == ["\u{7f}ELF garbage\r\n\r\n".utf8.count, 23])
    }

    @Test func gapInAContentLengthBodyIsCountedThrough() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "", "") + wire("GET /again HTTP/1.1", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 10", "", "") + "abc"),
            .gap(.serverToClient, 4),
            .server("hij" + okHead + "fresh"),
        ])
        let first = try #require(events.exchanges.first)
        #expect(first.response?.body.bytes.text == "abchij")
        #expect(first.response?.body.missingBytes == 4)
        #expect(first.response?.body.wireBytes == 10)
        #expect(first.issues == [.responseBodyIncomplete(missingBytes: 4)])
        #expect(events.exchanges.last?.response?.body.bytes.text == "fresh")
        #expect(events.diagnostics.isEmpty)
    }

    @Test func gapPastTheEndOfABodyResyncs() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "", "") + wire("GET /2 HTTP/1.1", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 4", "", "") + "ab"),
            .gap(.serverToClient, 30),
            .server("ead lost\r\n\r\n" + okHead + "later"),
        ])
        let first = try #require(events.exchanges.first)
        #expect(first.issues == [.responseBodyIncomplete(missingBytes: 2)])
        #expect(events.exchanges.last?.response?.body.bytes.text == "later")
        #expect(events.diagnostics.map(\.kind) == [.unparseableBytes])
    }

    @Test func gapInsideChunkDataContinues() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "a\r\n01"),
            .gap(.serverToClient, 5),
            .server("789\r\n0\r\n\r\n"),
        ])
        let response = try #require(events.exchanges.first?.response)
        #expect(response.body.bytes.text == "01789")
        #expect(response.body.missingBytes == 5)
        #expect(events.diagnostics.isEmpty)
    }

    @Test func gapInChunkFramingEndsTheBodyAndResyncs() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "", "") + wire("GET /2 HTTP/1.1", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "3\r\nabc\r\n"),
            .gap(.serverToClient, 6),
            .server("\r\n0\r\n\r\n" + okHead + "after"),
        ])
        #expect(events.exchanges.first?.issues == [.responseBodyIncomplete(missingBytes: 6)])
        #expect(events.exchanges.first?.response?.body.bytes.text == "abc")
        #expect(events.exchanges.last?.response?.body.bytes.text == "after")
        #expect(events.diagnostics.map(\.kind) == [.gapInChunkedBody, .unparseableBytes])
    }

    @Test func gapBeforeTheStartLineEndsDropsThatMessage() throws {
        let events = runAllWays([
            .client("GET /lost HT"),
            .gap(.clientToServer, 20),
            .client("x\r\n\r\n" + wire("GET /kept HTTP/1.1", "Host: a", "", "")),
            .server(okHead + "kept!"),
        ])
        #expect(events.exchanges.map(\.request.target) == ["/kept"])
        #expect(events.diagnostics.map(\.kind) == [.gapInHead, .unparseableBytes])
        #expect(events.diagnostics.first?.length == "GET /lost HT".utf8.count + 20)
    }

    @Test func gapAfterTheStartLineKeepsTheMessageWithItsCapturedFields() throws {
        let cut = wire("GET /cut HTTP/1.1", "Host: a", "Accept: text/html", "User-Ag")
        let events = runAllWays([
            .client(cut, at: 1),
            .gap(.clientToServer, 20, at: 2),
            .client("x\r\n\r\n" + wire("GET /kept HTTP/1.1", "Host: a", "", ""), at: 3),
            .server(okHead + "first" + okHead + "kept!", at: 4),
        ])
        #expect(events.exchanges.map(\.request.target) == ["/cut", "/kept"])
        let first = try #require(events.exchanges.first)
        #expect(first.request.isHeadComplete == false)
        let captured: [HTTPFields.Field] = [.init(name: "Host", value: "a"), .init(name: "Accept", value: "text/html")]
        #expect(first.request.headers.fields == captured)
        #expect(first.request.headSize == cut.utf8.count)
        #expect(first.request.body.isComplete == false)
        #expect(first.request.span.lastByteTime == ms(1))
        #expect(first.issues == [.requestHeadIncomplete])
        #expect(first.response?.body.bytes.text == "first")
        #expect(events.exchanges.last?.request.isHeadComplete == true)
        #expect(events.diagnostics.map(\.kind) == [.headCutByGap, .unparseableBytes])
        #expect(events.diagnostics.first?.length == cut.utf8.count + 20)
    }

    @Test func midStreamResponseCutBySnaplenIsReportedUnpaired() throws {
        // A capture that starts mid-connection, with the response's only segment cut by the snapshot
        // length: the status line survived, the rest of the head did not.
        let captured = "HTTP/1.1 200 OK\r\nDate: Thu, 10 Mar 2011 "
        let events = runAllWays([
            .server(captured, at: 1),
            .gap(.serverToClient, 1168, at: 1),
            .bytes(.serverToClient, [0xc0, 0xd5, 0x2a, 0x1c], at: 2),
            .gap(.serverToClient, 426, at: 2),
        ] + Step.finishBoth(at: 3))
        let orphans = events.compactMap { if case .unpairedResponse(let response, _) = $0 { response } else { nil } }
        let response = try #require(orphans.first)
        #expect(orphans.count == 1)
        #expect(response.status == .ok)
        #expect(response.reason == "OK")
        #expect(response.isHeadComplete == false)
        #expect(response.headers.isEmpty)
        #expect(response.issues == [.responseHeadIncomplete])
        #expect(response.span.lastByteTime == ms(1))
        #expect(events.exchanges.isEmpty)
    }

    @Test func streamEndingInsideAHeadKeepsTheMessage() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "Host: a", "", ""), at: 1),
            .server(wire("HTTP/1.1 200 OK", "Server: x", "Content-Le"), at: 2),
            .finish(.serverToClient, at: 3),
            .finish(.clientToServer, at: 3),
        ])
        #expect(events.diagnostics.map(\.kind) == [.truncatedHead])
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.issues == [.responseHeadIncomplete])
        #expect(exchange.response?.status == .ok)
        #expect(exchange.response?.headers.fields == [.init(name: "Server", value: "x")])
        #expect(exchange.response?.span.lastByteTime == ms(2))
    }

    @Test func streamEndingInsideAStartLineDropsIt() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "Host: a", "", "")),
            .server("HTTP/1.1 20"),
        ] + Step.finishBoth())
        #expect(events.diagnostics.map(\.kind) == [.unparseableBytes])
        #expect(events.exchanges.first?.issues == [.noResponse(.connectionEnded)])
    }

    @Test func bodyCutByTheEndKeepsTheTimeOfItsLastByte() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "Host: a", "", ""), at: 1),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 10", "", ""), at: 2),
            .server("abc", at: 3),
            .finish(.serverToClient, at: 900),
            .finish(.clientToServer, at: 900),
        ])
        let response = try #require(events.exchanges.first?.response)
        #expect(response.body.isComplete == false)
        #expect(response.span.lastByteTime == ms(3))
    }

    @Test func headLargerThanTheLimitIsSkipped() throws {
        let big = wire("GET /big HTTP/1.1", "X-Pad: " + String(repeating: "p", count: 300), "", "")
        let events = runAllWays(
            [
                .client(big + wire("GET /small HTTP/1.1", "", ""))
            ],
            limits: HTTP1Limits(maxHeadBytes: 200)
        )
        #expect(events.diagnostics.map(\.kind) == [.headTooLarge])
        #expect(events.diagnostics.first?.length == big.utf8.count)
        #expect(events.exchanges.isEmpty)
    }

    @Test func http09ResponseRunsUntilClose() throws {
        let page = "<html>\n  The Zeek Network Security Monitor\n</html>\n"
        let events = runAllWays([
            .client(CorpusMessages.curlZeekRequest, at: 1),
            .server(page, at: 2),
            .finish(.serverToClient, at: 3),
            .finish(.clientToServer, at: 3),
        ])
        let exchange = try #require(events.exchanges.first)
        let response = try #require(exchange.response)
        #expect(response.isHTTP09)
        #expect(response.version == "HTTP/0.9")
        #expect(response.body.bytes.text == page)
        #expect(response.body.framing == .closeDelimited)
        #expect(exchange.issues == [.http09Response])
        #expect(events.diagnostics.map(\.kind) == [.http09Response])
    }

    @Test func invalidChunkSizeEndsTheBody() throws {
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "", "")),
            .server(wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "zz\r\nbody"),
            .finish(.serverToClient),
        ])
        #expect(events.diagnostics.map(\.kind) == [.invalidChunkSize, .unparseableBytes])
        #expect(events.exchanges.first?.issues == [.responseBodyIncomplete(missingBytes: 0)])
    }
}
