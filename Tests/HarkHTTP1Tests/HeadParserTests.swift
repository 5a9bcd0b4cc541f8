import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// Lenient head parsing: what sloppy but real peers send.
@Suite struct HeadParserTests {
    /// The single exchange produced by a request head and a response head.
    private func exchange(request: String, response: String) throws -> (HTTP1Exchange, [HTTP1Diagnostic]) {
        let events = runAllWays([.client(request), .server(response)])
        return (try #require(events.exchanges.first), events.diagnostics)
    }

    @Test func bareLineFeedsLowercaseVersionAndMissingReason() throws {
        let (exchange, diagnostics) = try exchange(
            request: "GET /a HTTP/1.1\nHost: a\n\n",
            response: "http/1.1 200\nContent-Length: 2\n\nok"
        )
        #expect(exchange.request.headers == ["Host": "a"])
        #expect(exchange.response?.version == "http/1.1")
        #expect(exchange.response?.versionNumber == .http1_1)
        #expect(exchange.response?.reason == "")
        #expect(exchange.response?.body.bytes.text == "ok")
        #expect(diagnostics.isEmpty)
    }

    @Test func obsFoldIsJoinedWithASpace() throws {
        let (exchange, _) = try exchange(
            request: wire("GET / HTTP/1.1", "X-Long: first", "   second", "\tthird", "Host: a", "", ""),
            response: wire("HTTP/1.1 204 No Content", "", "")
        )
        #expect(exchange.request.headers.first("X-Long") == "first second third")
        #expect(exchange.request.headers.count == 2)
    }

    @Test func spacesBeforeTheColonAndAroundValuesAreTrimmed() throws {
        let (exchange, _) = try exchange(
            request: wire("GET / HTTP/1.1", "Host : a  ", "Cache-Control: max-age=900       ", "", ""),
            response: wire("HTTP/1.1 200 OK", "Content-Length:        3", "", "") + "abc"
        )
        #expect(exchange.request.headers.fields.map(\.name) == ["Host", "Cache-Control"])
        #expect(exchange.request.headers.first("host") == "a")
        #expect(exchange.request.headers.first("cache-control") == "max-age=900")
        #expect(exchange.response?.body.bytes.text == "abc")
    }

    @Test func headerOrderCaseAndDuplicatesAreKept() throws {
        let (exchange, _) = try exchange(
            request: wire("GET / HTTP/1.1", "host: a", "Accept: */*", "accept: text/html", "X-Empty:", "", ""),
            response: wire("HTTP/1.1 200 OK", "Set-Cookie: a=1", "Set-Cookie: b=2", "Content-Length: 0", "", "")
        )
        #expect(exchange.request.headers.fields.map(\.name) == ["host", "Accept", "accept", "X-Empty"])
        #expect(exchange.request.headers.values(for: "ACCEPT") == ["*/*", "text/html"])
        #expect(exchange.request.headers.first("x-empty") == "")
        #expect(exchange.response?.headers.values(for: "set-cookie") == ["a=1", "b=2"])
    }

    @Test func malformedLinesAreReportedAndSkipped() throws {
        let request = wire("GET / HTTP/1.1", "Host: a", "this line has no colon", ": no name", "Accept: */*", "", "")
        let (exchange, diagnostics) = try exchange(request: request, response: wire("HTTP/1.1 204 No Content", "", ""))
        #expect(exchange.request.headers == ["Host": "a", "Accept": "*/*"])
        #expect(diagnostics.map(\.kind) == [.malformedHeaderLine, .malformedHeaderLine])
        #expect(diagnostics.first?.detail == "this line has no colon")
        #expect(diagnostics.first?.streamOffset == Int64("GET / HTTP/1.1\r\nHost: a\r\n".utf8.count))
    }

    @Test func fieldsBeyondTheLimitAreDropped() throws {
        let events = runAllWays(
            [
                .client(wire("GET / HTTP/1.1", "A: 1", "B: 2", "C: 3", "D: 4", "", "")),
                .server(wire("HTTP/1.1 204 No Content", "", "")),
            ],
            limits: HTTP1Limits(maxHeaderCount: 2)
        )
        #expect(events.exchanges.first?.request.headers == ["A": "1", "B": "2"])
        #expect(events.diagnostics.map(\.kind) == [.tooManyHeaders])
    }

    @Test func framingAnomaliesAreReported() throws {
        let events = runAllWays([
            .client(
                wire("POST /a HTTP/1.1", "Content-Length: 3", "Content-Length: 4", "", "")
                    + wire("POST /b HTTP/1.1", "Transfer-Encoding: chunked", "Content-Length: 99", "", "")
                    + "1\r\nx\r\n0\r\n\r\n"
            ),
            .server(
                wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")
                    + wire("HTTP/1.1 200 OK", "Content-Length: 0", "", "")
            ),
        ])
        #expect(events.diagnostics.map(\.kind) == [.invalidContentLength, .conflictingFraming])
        #expect(events.exchanges.map(\.request.body.bytes.text) == ["", "x"])
    }

    @Test func leadingBlankLinesBeforeAMessageAreIgnored() throws {
        let events = runAllWays([
            .client("\r\n\r\n" + wire("GET / HTTP/1.1", "", "")),
            .server("\n" + wire("HTTP/1.1 204 No Content", "", "")),
        ])
        #expect(events.exchanges.count == 1)
        #expect(events.exchanges.first?.request.span.startOffset == 4)
        #expect(events.diagnostics.isEmpty)
    }

    @Test(arguments: [
        // As sent by the probes in http1-methods-head-options-put-delete-trace.pcap.
        ("OPTIONS", "OPTIONS", "", ""),
        ("OPTIONS HTTP/1.1", "OPTIONS", "", "HTTP/1.1"),
        ("GET /HTTP/1.1", "GET", "/HTTP/1.1", ""),
        ("CCM_POST / HTTP/1.", "CCM_POST", "/", "HTTP/1."),
    ])
    func requestLinesMissingPartsAreReadLeniently(line: String, method: String, target: String, version: String) throws
    {
        let events = runAllWays([
            .client(wire(line, "Host: www.google.com", "", "")),
            .server(wire("HTTP/1.0 400 Bad Request", "Content-Length: 0", "", "")),
        ])
        let request = try #require(events.exchanges.first?.request)
        #expect(request.method.rawValue == method)
        #expect(request.target == target)
        #expect(request.version == version)
        #expect(request.versionNumber == (version == "HTTP/1.1" ? .http1_1 : nil))
        #expect(events.diagnostics.map(\.kind) == [.malformedRequestLine])
        #expect(events.diagnostics.first?.detail == line)
    }

    @Test(arguments: ["hello world", "0", "GET/ HTTP/1.1", "Get the thing done now"])
    func textLinesAreNotTakenForRequests(line: String) {
        let events = runAllWays([.client(wire(line, "Host: a", "", "")), .finish(.clientToServer)])
        #expect(events.exchanges.isEmpty)
        #expect(events.diagnostics.map(\.kind) == [.unparseableBytes])
    }
}
