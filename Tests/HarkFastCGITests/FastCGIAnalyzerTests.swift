import HarkCore
import NIOCore
import Testing

@testable import HarkFastCGI

/// Runs bytes through an analyzer, one chunk per call, and collects what it reports.
private func analyze(
    _ chunks: [(Direction, [UInt8])],
    limits: FastCGILimits = FastCGILimits(),
    finish: Bool = true
) -> (exchanges: [FastCGIExchange], diagnostics: [FastCGIDiagnostic]) {
    var analyzer = FastCGIAnalyzer(limits: limits)
    var exchanges: [FastCGIExchange] = []
    var diagnostics: [FastCGIDiagnostic] = []
    let collect = { (event: FastCGIEvent) in
        switch event {
        case .exchange(let exchange): exchanges.append(exchange)
        case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
        }
    }
    for (index, (direction, bytes)) in chunks.enumerated() {
        analyzer.receive(ByteBuffer(bytes: bytes), from: direction, at: Timestamp(nanoseconds: Int64(index) * 1_000_000), emit: collect)
    }
    if finish {
        for direction in Direction.allCases { analyzer.finish(direction, at: Timestamp(nanoseconds: 1_000_000_000), emit: collect) }
    }
    return (exchanges, diagnostics)
}

private func text(_ body: FastCGIExchange.Body) -> String {
    String(decoding: ((try? body.bytes.readAll()) ?? ByteBuffer()).readableBytesView, as: UTF8.self)
}

private let getVariables: [(String, String)] = [
    ("QUERY_STRING", "a=1"), ("REQUEST_METHOD", "GET"), ("CONTENT_TYPE", ""), ("CONTENT_LENGTH", ""),
    ("SCRIPT_NAME", "/index.php"), ("REQUEST_URI", "/index.php?a=1"), ("SERVER_PROTOCOL", "HTTP/1.1"),
    ("REQUEST_SCHEME", "http"), ("SERVER_NAME", "example.test"), ("SERVER_PORT", "8080"),
    ("HTTP_HOST", "example.test:8080"), ("HTTP_USER_AGENT", "curl/8.0"), ("HTTP_ACCEPT", "*/*"),
]

private func request(id: UInt16 = 1, _ variables: [(String, String)], body: [UInt8] = [], keep: Bool = false, recordSize: Int = 65535) -> [UInt8] {
    FastCGIRecords.begin(id: id, keepConnection: keep)
        + FastCGIRecords.stream(4, id: id, FastCGIRecords.pairs(variables), size: recordSize)
        + FastCGIRecords.stream(5, id: id, body)
}

private func response(id: UInt16 = 1, _ output: String, stderr: String = "", appStatus: UInt32 = 0) -> [UInt8] {
    (stderr.isEmpty ? [] : FastCGIRecords.record(7, id: id, Array(stderr.utf8)))
        + FastCGIRecords.stream(6, id: id, Array(output.utf8), size: 7)
        + FastCGIRecords.end(id: id, appStatus: appStatus)
}

@Test func getMapsVariablesToAnHTTPRequestAndStdoutToTheResponse() {
    let result = analyze([
        (.clientToServer, request(getVariables, recordSize: 5)),
        (.serverToClient, response("Content-type: text/html; charset=UTF-8\r\n\r\n<p>hi</p>", stderr: "PHP Notice: x")),
    ])
    #expect(result.diagnostics.isEmpty)
    guard let exchange = result.exchanges.first, result.exchanges.count == 1 else {
        Issue.record("expected one exchange, got \(result.exchanges.count)")
        return
    }
    #expect(exchange.request.method == .get)
    #expect(exchange.request.target == "/index.php?a=1")
    #expect(exchange.request.authority == "example.test:8080")
    #expect(exchange.request.scheme == "http")
    #expect(exchange.request.version == "HTTP/1.1")
    #expect(exchange.request.headers.map(\.name) == ["Host", "User-Agent", "Accept"])
    #expect(exchange.responseHead?.status == .ok)
    #expect(exchange.responseHead?.reason == "OK")
    #expect(exchange.responseHead?.headers.first("Content-Type") == "text/html; charset=UTF-8")
    #expect(text(exchange.stdout) == "<p>hi</p>")
    #expect(exchange.stdout.isComplete)
    #expect(exchange.stderr == "PHP Notice: x")
    #expect(exchange.appStatus == 0)
    #expect(exchange.protocolStatus == .requestComplete)
    #expect(exchange.problems.isEmpty)
}

@Test func statusFieldGivesStatusAndReasonAndIsNotAHeader() {
    let result = analyze([
        (.clientToServer, request(getVariables)),
        (.serverToClient, response("Status: 302 Found\r\nLocation: /login\r\n\r\n")),
    ])
    #expect(result.exchanges.first?.responseHead?.status.rawValue == 302)
    #expect(result.exchanges.first?.responseHead?.reason == "Found")
    #expect(result.exchanges.first?.responseHead?.headers.map(\.name) == ["Location"])
}

@Test func locationWithoutStatusIsARedirect() {
    let result = analyze([(.clientToServer, request(getVariables)), (.serverToClient, response("Location: /x\n\n"))])
    #expect(result.exchanges.first?.responseHead?.status.rawValue == 302)
}

@Test func postBodyIsStdinAndContentHeadersAreNotDuplicated() {
    var variables = getVariables
    variables[1] = ("REQUEST_METHOD", "POST")
    variables[2] = ("CONTENT_TYPE", "application/x-www-form-urlencoded")
    variables[3] = ("CONTENT_LENGTH", "7")
    variables.append(("HTTP_CONTENT_LENGTH", "7"))
    let result = analyze([(.clientToServer, request(variables, body: Array("a=1&b=2".utf8))), (.serverToClient, response("\r\n"))])
    let exchange = result.exchanges.first
    #expect(exchange?.request.method == .post)
    #expect(exchange.map { text($0.stdin) } == "a=1&b=2")
    #expect(exchange?.request.headers.values(for: "Content-Length") == ["7"])
    #expect(exchange?.request.headers.values(for: "Content-Type") == ["application/x-www-form-urlencoded"])
}

@Test func interleavedRequestsAreDemultiplexedByID() {
    var other = getVariables
    other[5] = ("REQUEST_URI", "/other")
    let firstParams = FastCGIRecords.stream(4, id: 1, FastCGIRecords.pairs(getVariables), size: 30)
    let secondParams = FastCGIRecords.stream(4, id: 2, FastCGIRecords.pairs(other), size: 30)
    // Records of the two requests alternate: BEGIN 1, BEGIN 2, then their PARAMS records in turn.
    var client = FastCGIRecords.begin(id: 1, keepConnection: true) + FastCGIRecords.begin(id: 2, keepConnection: true)
    var records = (first: records(firstParams), second: records(secondParams))
    while !records.first.isEmpty || !records.second.isEmpty {
        if !records.first.isEmpty { client += records.first.removeFirst() }
        if !records.second.isEmpty { client += records.second.removeFirst() }
    }
    client += FastCGIRecords.stream(5, id: 2, []) + FastCGIRecords.stream(5, id: 1, [])
    let result = analyze([
        (.clientToServer, client),
        (.serverToClient, response(id: 2, "\r\nsecond") + response(id: 1, "\r\nfirst")),
    ])
    #expect(result.diagnostics.isEmpty)
    #expect(result.exchanges.map(\.requestID) == [2, 1])
    #expect(result.exchanges.map(\.request.target) == ["/other", "/index.php?a=1"])
    #expect(result.exchanges.map { text($0.stdout) } == ["second", "first"])
    #expect(result.exchanges.allSatisfy { $0.keepsConnection })
}

/// Splits well-formed records apart.
private func records(_ bytes: [UInt8]) -> [[UInt8]] {
    var result: [[UInt8]] = []
    var start = 0
    while start + 8 <= bytes.count {
        let length = 8 + Int(bytes[start + 4]) << 8 + Int(bytes[start + 5]) + Int(bytes[start + 6])
        result.append(Array(bytes[start..<min(bytes.count, start + length)]))
        start += length
    }
    return result
}

@Test func keepAliveCarriesRequestsOneAfterTheOther() {
    var chunks: [(Direction, [UInt8])] = []
    for number in 0..<3 {
        var variables = getVariables
        variables[5] = ("REQUEST_URI", "/\(number)")
        chunks.append((.clientToServer, request(variables, keep: true)))
        chunks.append((.serverToClient, response("Status: 404 Not Found\r\n\r\nnone")))
    }
    let result = analyze(chunks)
    #expect(result.exchanges.map(\.request.target) == ["/0", "/1", "/2"])
    #expect(result.exchanges.allSatisfy { $0.responseHead?.status.rawValue == 404 && $0.responseHead?.reason == "Not Found" })
}

@Test func everyByteSplitGivesTheSameExchange() {
    let client = request(getVariables, body: Array("body".utf8))
    let server = response("Status: 201 Created\r\nX-A: b\r\n\r\ncreated", stderr: "warn")
    let whole = analyze([(.clientToServer, client), (.serverToClient, server)]).exchanges
    let bytewise = analyze(client.map { (.clientToServer, [$0]) } + server.map { (.serverToClient, [$0]) }).exchanges
    #expect(whole.count == 1 && bytewise.count == 1)
    #expect(whole.first?.request.target == bytewise.first?.request.target)
    #expect(whole.first?.responseHead == bytewise.first?.responseHead)
    #expect(whole.first.map { text($0.stdout) } == bytewise.first.map { text($0.stdout) })
    #expect(whole.first?.stderr == bytewise.first?.stderr)
}

@Test func paramsLengthPastTheRecordIsDiagnosedAndNotReadPast() {
    // A pair claiming a 2^31-1 byte value inside a 20-byte PARAMS stream.
    let lying = FastCGIRecords.pair("REQUEST_METHOD", "GET") + [4, 0xff, 0xff, 0xff, 0xff] + Array("HOST".utf8)
    let client = FastCGIRecords.begin() + FastCGIRecords.stream(4, lying) + FastCGIRecords.stream(5, [])
    let result = analyze([(.clientToServer, client), (.serverToClient, response("\r\n"))])
    #expect(result.exchanges.count == 1)
    #expect(result.exchanges.first?.request.method == .get)
    #expect(result.exchanges.first?.problems.contains { $0.hasPrefix("PARAMS cannot all be read") } == true)
    #expect(result.diagnostics.contains { $0.isError && $0.description.hasSuffix("PARAMS pair at offset 19 declares a 4-byte name and a 2147483647-byte value, past the end of the parameters (28 bytes)") })
}

@Test func paramsBeyondTheLimitAreDroppedNotKept() {
    let big = FastCGIRecords.pairs((0..<200).map { ("HTTP_X_\($0)", String(repeating: "v", count: 1000)) })
    let client = FastCGIRecords.begin() + FastCGIRecords.stream(4, big) + FastCGIRecords.stream(5, [])
    var limits = FastCGILimits()
    limits.maxParamsBytes = 10_000
    let result = analyze([(.clientToServer, client), (.serverToClient, response("\r\n"))], limits: limits)
    #expect(result.exchanges.first?.paramsLength == big.count)
    #expect(result.exchanges.first?.problems.contains { $0.hasPrefix("PARAMS longer than 10000 bytes") } == true)
    #expect((result.exchanges.first?.request.headers.count ?? 0) < 10)
}

@Test func aHeaderOfAnotherVersionLosesTheDirectionWithADiagnostic() {
    let result = analyze([
        (.clientToServer, request(getVariables)),
        (.serverToClient, [9, 6, 0, 1, 0xff, 0xff, 0, 0] + [UInt8](repeating: 0x41, count: 100)),
    ])
    #expect(result.diagnostics.contains { $0.isError && $0.description.contains("version 9 and type 6 cannot be FastCGI 1") })
    #expect(result.exchanges.count == 1)
    #expect(result.exchanges.first?.appStatus == nil)
    #expect(result.exchanges.first?.problems.contains { $0.hasPrefix("no END_REQUEST captured") } == true)
}

@Test func aRecordCutByTheEndIsReportedAndItsRequestIncomplete() {
    let cut = Array(response("\r\n" + String(repeating: "x", count: 300)).prefix(100))
    let result = analyze([(.clientToServer, request(getVariables)), (.serverToClient, cut)])
    #expect(result.diagnostics.contains { $0.description.contains("the stream ended inside a record") })
    #expect(result.exchanges.first?.problems.contains { $0.hasPrefix("no END_REQUEST") } == true)
}

@Test func openRequestsAreBounded() {
    var limits = FastCGILimits()
    limits.maxOpenRequests = 4
    let client = (1...10).flatMap { FastCGIRecords.begin(id: UInt16($0)) }
    let result = analyze([(.clientToServer, client)], limits: limits, finish: false)
    #expect(result.exchanges.count == 6)
    #expect(result.exchanges.allSatisfy { $0.problems.contains { $0.contains("more than 4 requests were open") } })
}

@Test func shapeRecognisesABeginRequestAndRejectsOthers() {
    let begin = FastCGIRecords.begin() + FastCGIRecords.record(4, [1, 1, 0x41, 0x42])
    #expect(FastCGIRecordShape.classify(ByteBuffer(bytes: begin)) == .records)
    #expect(FastCGIRecordShape.classify(ByteBuffer(bytes: Array(begin.prefix(10)))) == .needMore)
    #expect(FastCGIRecordShape.classify(ByteBuffer(bytes: Array("GET / HTTP/1.1\r\n".utf8))) == .other)
    #expect(FastCGIRecordShape.classify(ByteBuffer(bytes: FastCGIRecords.begin(role: 7))) == .other)
    #expect(FastCGIRecordShape.classify(ByteBuffer(bytes: FastCGIRecords.begin() + [2, 4, 0, 1, 0, 0, 0, 0])) == .other)
}

@Test func hostWithoutPortTakesTheServerPort() {
    // nginx's stock fastcgi_params send HTTP_HOST as `$host`, without the port.
    let request = CGIRequest(variables: [("HTTP_HOST", "example.test"), ("SERVER_PORT", "8080"), ("REQUEST_URI", "/x")])
    #expect(request.authority == "example.test:8080")
    #expect(CGIRequest(variables: [("HTTP_HOST", "example.test"), ("SERVER_PORT", "80")]).authority == "example.test")
    #expect(CGIRequest(variables: [("HTTP_HOST", "[::1]:81"), ("SERVER_PORT", "81")]).authority == "[::1]:81")
    #expect(CGIRequest(variables: [("SCRIPT_NAME", "/a.php"), ("PATH_INFO", "/b"), ("QUERY_STRING", "c=d")]).target == "/a.php/b?c=d")
}
