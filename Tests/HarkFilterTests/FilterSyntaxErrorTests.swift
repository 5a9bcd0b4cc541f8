import HarkFilter
import Testing

/// Malformed expressions: the column, the message and the hint a user sees.
struct FilterSyntaxErrorTests {
    struct Case: CustomStringConvertible, Sendable {
        var expression: String
        var column: Int
        var length: Int
        var message: String
        /// A part of the hint.
        var hint: String

        var description: String { expression }
    }

    static let cases: [Case] = [
        Case(expression: "status>=4OO", column: 9, length: 3, message: #"expected a number after "status >=", found "4OO""#,
             hint: "did you mean 400? status takes a number or a class like 4xx"),
        Case(expression: "hots=example.com", column: 1, length: 4, message: #"unknown field "hots""#,
             hint: "did you mean host? fields: host, method, path, url, status"),
        Case(expression: "code=200", column: 1, length: 4, message: #"unknown field "code""#, hint: "did you mean status?"),
        Case(expression: "headr.etag exists", column: 1, length: 10, message: #"unknown field "headr.etag""#,
             hint: "did you mean header.etag?"),
        Case(expression: "method>GET", column: 7, length: 1, message: "method does not take >", hint: "method takes =, !=, ~, !~"),
        Case(expression: "ip<10.0.0.1", column: 3, length: 1, message: "ip does not take <", hint: "ip takes =, !="),
        Case(expression: "host=", column: 6, length: 1, message: #"expected a value after "host =", found the end of the filter"#,
             hint: "host takes text, a glob"),
        Case(expression: "(host=)", column: 7, length: 1, message: #"expected a value after "host =", found ")""#, hint: "host takes"),
        Case(expression: "host", column: 5, length: 1, message: #"expected an operator after "host", found the end of the filter"#,
             hint: "host takes =, !=, ~, !~"),
        Case(expression: "header.authorization exist", column: 22, length: 5,
             message: #"expected an operator after "header.authorization", found "exist""#,
             hint: "did you mean exists? header.authorization takes =, !=, ~, !~, exists, missing"),
        Case(expression: "host exists", column: 6, length: 6, message: #"host is always there, so "exists" does not apply"#,
             hint: "exists and missing apply to header.NAME"),
        Case(expression: "(status=200", column: 12, length: 1,
             message: #"expected ")" to close the "(" at column 1, found the end of the filter"#, hint: "add \")\""),
        Case(expression: "status=200)", column: 11, length: 1, message: #"this ")" has no "(" to close"#, hint: "remove it"),
        Case(expression: "status=200 host=a", column: 12, length: 4,
             message: #"expected "and", "or" or the end of the filter, found "host""#, hint: "join conditions with and / or"),
        Case(expression: "status=200 & host=a", column: 12, length: 1, message: #"a single "&" is not an operator"#, hint: "write && or and"),
        Case(expression: "status=200 | host=a", column: 12, length: 1, message: #"a single "|" is not an operator"#, hint: "write || or or"),
        Case(expression: "status=200 and", column: 15, length: 1, message: "expected a condition, found the end of the filter",
             hint: "a condition is field operator value"),
        Case(expression: "not", column: 4, length: 1, message: "expected a condition, found the end of the filter", hint: "status>=500"),
        Case(expression: "=200", column: 1, length: 1, message: #"expected a field name before "=""#, hint: "field operator value"),
        Case(expression: "", column: 1, length: 1, message: "the filter is empty", hint: "status=5xx"),
        Case(expression: "   ", column: 4, length: 1, message: "the filter is empty", hint: "status=5xx"),
        Case(expression: "exists", column: 1, length: 6, message: #"expected a field name before "exists""#, hint: "header.NAME exists"),
        Case(expression: "header.=x", column: 1, length: 7, message: "header needs a header name", hint: "header.NAME"),
        Case(expression: "status=6xx", column: 8, length: 3, message: "there is no status class 6xx", hint: "1xx, 2xx, 3xx, 4xx and 5xx"),
        Case(expression: "status>=4xx", column: 9, length: 3, message: "a status class only works with = and !=",
             hint: "status>=400"),
        Case(expression: "status=1000", column: 8, length: 4, message: "1000 is not a status code", hint: "a number or a class"),
        Case(expression: "latency>5m", column: 9, length: 2, message: #"unknown unit "m" in "5m""#, hint: "250us, 100ms or 1.5s"),
        Case(expression: "latency>fast", column: 9, length: 4, message: #"expected a duration after "latency >", found "fast""#,
             hint: "latency takes a duration"),
        Case(expression: "latency>1OOms", column: 9, length: 5, message: #"expected a duration after "latency >", found "1OOms""#,
             hint: "did you mean 100ms?"),
        Case(expression: "resp.size>10XB", column: 11, length: 4, message: #"unknown unit "XB" in "10XB""#, hint: "10kB or 2MiB"),
        Case(expression: "resp.size>99999999999999999999", column: 11, length: 20, message: "99999999999999999999 is too large",
             hint: "a byte count"),
        Case(expression: "resp.size>1.", column: 11, length: 2, message: #"expected a byte count after "resp.size >", found "1.""#,
             hint: "a byte count"),
        Case(expression: "port=70000", column: 6, length: 5, message: "70000 is not a port number", hint: "0 to 65535"),
        Case(expression: "port=-1", column: 6, length: 2, message: #"expected a whole number after "port =", found "-1""#, hint: "port takes"),
        Case(expression: "ip=1.2.3", column: 4, length: 5, message: #"expected an IP address after "ip =", found "1.2.3""#,
             hint: "10.0.0.0/8"),
        Case(expression: "ip=1.2.3.4:80", column: 4, length: 10, message: #"expected an IP address after "ip =", found "1.2.3.4:80""#,
             hint: "write client=1.2.3.4:80 or server=1.2.3.4:80"),
        Case(expression: "server=10.0.0.0/33", column: 8, length: 11, message: #"expected an IP address after "server =", found "10.0.0.0/33""#,
             hint: "[::1]:443"),
        Case(expression: "proto=http4", column: 7, length: 5, message: #"unknown protocol "http4""#, hint: "one of http1, h2, h3, quic, ws, grpc, tls"),
        Case(expression: "path~\"(\"", column: 6, length: 3, message: "invalid regular expression: expected ')'", hint: "quote"),
        Case(expression: "host='abc", column: 6, length: 1, message: "this string is never closed", hint: "end it with '"),
        Case(expression: "host=a or #x=1", column: 11, length: 2, message: ##"unknown field "#x""##, hint: "fields:"),
        Case(expression: "grpc.status=ok", column: 13, length: 2, message: #"expected a whole number after "grpc.status =", found "ok""#,
             hint: "14 (UNAVAILABLE)"),
        Case(expression: "grpc.method>a", column: 12, length: 1, message: "grpc.method does not take >", hint: "grpc.method takes =, !=, ~, !~, exists, missing"),
        Case(expression: "host=a or @", column: 11, length: 1, message: #"expected a condition, found "@""#, hint: "a condition"),
    ]

    @Test(arguments: cases)
    func malformedExpressionsPointAtTheColumn(_ testCase: Case) {
        #expect {
            try Filter(testCase.expression)
        } throws: { error in
            guard let error = error as? FilterSyntaxError else { return false }
            #expect(error.column == testCase.column, "column")
            #expect(error.length == testCase.length, "length")
            #expect(error.message == testCase.message)
            #expect(error.hint.contains(testCase.hint), "hint: \(error.hint)")
            return true
        }
    }

    @Test func rendersLikeACompiler() {
        let error = FilterSyntaxError(
            expression: "status>=4OO",
            column: 9,
            length: 3,
            message: #"expected a number after "status >=", found "4OO""#,
            hint: "did you mean 400? status takes a number or a class like 4xx"
        )
        #expect(
            error.description == """
                column 9: expected a number after "status >=", found "4OO"
                  status>=4OO
                          ^^^
                hint: did you mean 400? status takes a number or a class like 4xx
                """
        )
    }

    @Test func httpFieldsAreRefusedForConnections() throws {
        #expect(throws: FilterSyntaxError.self) { try Filter("port=80 or status=5xx", for: .connections) }
        do {
            _ = try Filter("port=80 or (ip=10.0.0.1 and Host=a)", for: .connections)
            Issue.record("expected an error")
        } catch {
            #expect(error.column == 29)
            #expect(error.length == 4)
            #expect(error.message == #"connections have no field "Host""#)
            #expect(error.hint.hasPrefix("connection filters take proto, ip, port, client, server, conn"))
        }
        let exchangeFilter = try Filter("port=80 and proto=h2 and client=10.0.0.0/8 and server=::1 and ip=::1 and conn=2")
        #expect(throws: Never.self) { try exchangeFilter.check(for: .connections) }
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "(", count: 100) + "status=200" + String(repeating: ")", count: 100)
        #expect(throws: FilterSyntaxError.self) { try Filter(deep) }
        let nots = String(repeating: "not ", count: 100) + "status=200"
        #expect(throws: FilterSyntaxError.self) { try Filter(nots) }
        let fine = String(repeating: "(", count: 60) + "status=200" + String(repeating: ")", count: 60)
        #expect(throws: Never.self) { try Filter(fine) }
    }

    @Test func longChainsNeedNoRecursion() throws {
        let chain = (0..<20_000).map { "conn=\($0)" }.joined(separator: " or ")
        let filter = try Filter(chain)
        #expect(filter.matches(ExchangeSamples.exchange(connectionID: 19_999)))
        #expect(!filter.matches(ExchangeSamples.exchange(connectionID: 20_000)))
    }

    /// Suggestions compare the unknown name only with fields of about its length: a 200,000-character
    /// name (a filter read from a hostile file) costs about what scanning it costs. Compared with every
    /// field, as before, it cost five times that (the filter fuzz target's main cost).
    @Test func aLongUnknownFieldIsRefusedWithoutComparingItWithEveryField() {
        let name = String(repeating: "hots", count: 50_000)
        func seconds(_ body: () -> Void) -> Double {
            let start = ContinuousClock.now
            body()
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        // The same name as a quoted value: scanned the same way, and no field name to suggest for.
        let scanning = seconds { _ = try? Filter("host=\"\(name)\"") }
        let refusing = seconds { _ = try? Filter(name + "=1") }
        #expect(refusing < 2 * scanning + 0.2, "refused in \(refusing) s; scanning takes \(scanning) s")
        // Names near a field's length are still compared: one edit away, one letter longer.
        let near = #expect(throws: FilterSyntaxError.self) { try Filter("hostt=example.com") }
        #expect(near?.hint.contains("did you mean host?") == true, "\(String(describing: near?.hint))")
    }
}
