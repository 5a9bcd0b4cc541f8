import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// Request/response pairing: pipelining, interim responses, unanswered and unsolicited messages.
@Suite struct HTTP1AnalyzerPairingTests {
    @Test func threePipelinedRequestsAnsweredInOneSegment() throws {
        let css = "a{}"
        let js = "var x;"
        let events = runAllWays([
            .client(
                CorpusMessages.firefoxCSSRequest + CorpusMessages.firefoxScriptRequest
                    + wire("GET /favicon.ico HTTP/1.1", "Host: www.mozilla.org", "", ""),
                at: 1
            ),
            .server(
                wire("HTTP/1.1 200 OK", "Content-Length: 3", "", "") + css
                    + wire("HTTP/1.1 200 OK", "Transfer-Encoding: chunked", "", "") + "6\r\n\(js)\r\n0\r\n\r\n"
                    + wire("HTTP/1.1 404 Not Found", "Content-Length: 0", "", ""),
                at: 4
            ),
        ])
        let exchanges = events.exchanges
        #expect(exchanges.map(\.request.target) == ["/style/enhanced.css", "/script/urchin.js", "/favicon.ico"])
        #expect(exchanges.map { $0.response?.status.rawValue } == [200, 200, 404])
        #expect(exchanges.map { $0.response?.body.bytes.text } == [css, js, ""])
        #expect(exchanges.map(\.pipelineDepth) == [0, 1, 2])
        #expect(exchanges.allSatisfy { $0.issues.isEmpty })
    }

    @Test func continueIsAttachedAsInterimAndTheFinalResponseFollows() throws {
        let form = String(repeating: "R", count: 2001)
        let events = runAllWays([
            .client(CorpusMessages.curlPostHead(contentLength: 2001), at: 1),
            .server(wire("HTTP/1.1 100 Continue", "", ""), at: 2),
            .client(form, at: 3),
            .server(CorpusMessages.apacheChunkedHead + "5\r\nhello\r\n0\r\n\r\n", at: 4),
            .finish(.serverToClient, at: 5),
            .finish(.clientToServer, at: 5),
        ])
        let exchange = try #require(events.exchanges.first)
        #expect(events.exchanges.count == 1)
        #expect(exchange.interimResponses.map(\.status) == [.continue])
        #expect(exchange.interimResponses.first?.span.firstByteTime == ms(2))
        #expect(exchange.request.body.length == 2001)
        #expect(exchange.request.span.lastByteTime == ms(3))
        #expect(exchange.response?.body.bytes.text == "hello")
        #expect(exchange.issues.isEmpty)
    }

    @Test func requestWithoutResponseIsEmittedWhenTheServerCloses() throws {
        let events = runAllWays([
            .client(CorpusMessages.curlZeekRequest, at: 1),
            .client(wire("GET /second HTTP/1.1", "Host: localhost", "", ""), at: 2),
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 2", "", "") + "ok", at: 3),
            .finish(.serverToClient, at: 4),
            .finish(.clientToServer, at: 4),
        ])
        #expect(events.exchanges.count == 2)
        #expect(events.exchanges.first?.response?.body.bytes.text == "ok")
        let unanswered = try #require(events.exchanges.last)
        #expect(unanswered.request.target == "/second")
        #expect(unanswered.response == nil)
        #expect(unanswered.issues == [.noResponse(.connectionEnded)])
    }

    @Test func unfinishedRequestWaitsForTheClientToEnd() throws {
        let events = runAllWays([
            .client(wire("POST /upload HTTP/1.1", "Content-Length: 100", "", "") + "partial", at: 1),
            .finish(.serverToClient, at: 2),
            .finish(.clientToServer, at: 3),
        ])
        let exchange = try #require(events.exchanges.first)
        #expect(exchange.request.body.bytes.text == "partial")
        #expect(exchange.issues == [.noResponse(.connectionEnded), .requestBodyIncomplete(missingBytes: 93)])
    }

    @Test func responseWithoutRequestIsReportedAsUnpaired() throws {
        let events = runAllWays([
            .server(wire("HTTP/1.1 200 OK", "Content-Length: 3", "", "") + "abc"),
            .client(wire("GET / HTTP/1.1", "Host: a", "", "")),
            .server(wire("HTTP/1.1 304 Not Modified", "", "")),
        ])
        guard case .unpairedResponse(let orphan, _) = events.first else {
            Issue.record("expected an unpaired response first, got \(events)")
            return
        }
        #expect(orphan.body.bytes.text == "abc")
        #expect(events.exchanges.first?.response?.status == .notModified)
    }

    @Test func tooManyPendingRequestsGiveUpTheOldest() throws {
        let request = wire("GET / HTTP/1.1", "Host: a", "", "")
        let events = runAllWays(
            [
                .client(String(repeating: request, count: 3))
            ],
            limits: HTTP1Limits(maxPendingRequests: 2)
        )
        #expect(events.exchanges.count == 1)
        #expect(events.exchanges.first?.issues == [.noResponse(.tooManyPendingRequests)])
    }
}

/// Pairing across capture gaps in the server's direction.
@Suite struct HTTP1AnalyzerGapPairingTests {
    private let ok = wire("HTTP/1.1 200 OK", "Content-Length: 3", "", "")

    @Test func responseLostInAGapDoesNotShiftLaterPairs() throws {
        // As in tcp-1000-requests-one-dropped-response.pcap: the first response never made it into the
        // capture, and the client (which does not pipeline) sent its next request regardless.
        let events = runAllWays([
            .client(wire("GET /1 HTTP/1.1", "Host: localhost", "", ""), at: 1),
            .client(wire("GET /2 HTTP/1.1", "Host: localhost", "", ""), at: 2),
            .gap(.serverToClient, ok.utf8.count + 3, at: 3),
            .server(ok + "two", at: 3),
            .client(wire("GET /3 HTTP/1.1", "Host: localhost", "", ""), at: 4),
            .server(ok + "tri", at: 5),
        ])
        #expect(events.exchanges.map(\.request.target) == ["/1", "/2", "/3"])
        #expect(events.exchanges.map { $0.response?.body.bytes.text } == [nil, "two", "tri"])
        #expect(events.exchanges.first?.issues == [.noResponse(.lostInCaptureGap)])
    }

    @Test func responseWhoseHeadWasLostIsSkippedAndNotPairedWithTheNextRequest() throws {
        // The exact shape of that capture: the first response's head is lost, its body arrives before
        // the client's next request, and the next response answers that request.
        let events = runAllWays([
            .client(wire("GET / HTTP/1.1", "Host: localhost", "", ""), at: 1),
            .gap(.serverToClient, ok.utf8.count, at: 2),
            .server("one", at: 2),
            .client(wire("GET / HTTP/1.1", "Host: localhost", "", ""), at: 3),
            .server(ok + "two", at: 4),
        ])
        #expect(events.exchanges.map { $0.response?.body.bytes.text } == [nil, "two"])
        #expect(events.exchanges.first?.issues == [.noResponse(.lostInCaptureGap)])
        #expect(events.diagnostics.map(\.kind) == [.unparseableBytes])
    }

    @Test func pipelinedConnectionsKeepInOrderPairingAfterAGap() throws {
        let events = runAllWays([
            .client(
                wire("GET /1 HTTP/1.1", "", "") + wire("GET /2 HTTP/1.1", "", "")
                    + wire("GET /3 HTTP/1.1", "", ""),
                at: 1
            ),
            .server(ok + "one", at: 2),
            .gap(.serverToClient, 10, at: 3),
            .server(ok + "two", at: 3),
        ])
        #expect(events.exchanges.map { $0.response?.body.bytes.text } == ["one", "two"])
    }
}
