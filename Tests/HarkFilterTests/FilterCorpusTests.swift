import Foundation
import HarkCore
import HarkFilter
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import Testing

/// Filters on real captures select exactly the rows of tshark's oracle that the same condition,
/// written by hand over the oracle's columns, selects.
struct FilterCorpusTests {
    /// A filter and the same condition over tshark's request columns (method, full URI).
    struct RequestCase: Sendable, CustomStringConvertible {
        var capture: String
        var expression: String
        /// False where tshark's full URI is not a URL (the methods capture's malformed request lines
        /// glue `*` or the HTTP version onto it); rows are then compared by method alone.
        var comparesURLs = true
        var oracle: @Sendable (_ method: String, _ url: URLComponents?) -> Bool
        var description: String { "\(capture): \(expression)" }
    }

    static let requestCases: [RequestCase] = {
        let methods = "http1-methods-head-options-put-delete-trace.pcap"
        let bro = "http1-browse-bro-org.pcap"
        let wikipedia = "http1-browse-wikipedia-304.pcap"
        var cases = ["HEAD", "OPTIONS", "GET", "PUT", "POST", "DELETE", "TRACE", "CONNECT", "CCM_POST"].map { method in
            RequestCase(capture: methods, expression: "method=\(method)", comparesURLs: false) { sent, _ in sent == method }
        }
        cases += [
            RequestCase(capture: methods, expression: "method!=GET and method!=POST", comparesURLs: false) { method, _ in method != "GET" && method != "POST" },
            RequestCase(capture: methods, expression: "method~^(PUT|DELETE)$", comparesURLs: false) { method, _ in method == "PUT" || method == "DELETE" },
            RequestCase(capture: bro, expression: "path=/images/*") { $1?.path.hasPrefix("/images/") == true },
            RequestCase(capture: bro, expression: "host=bro.org") { $1?.host == "bro.org" },
            RequestCase(capture: bro, expression: "host=*.bro.org") { $1?.host?.hasSuffix(".bro.org") == true },
            RequestCase(capture: bro, expression: "host=BRO.ORG and path=/js/*.js") {
                $1?.host == "bro.org" && $1?.path.hasPrefix("/js/") == true && $1?.path.hasSuffix(".js") == true
            },
            RequestCase(capture: bro, expression: #"url~"\.(png|gif|jpg)$""#) {
                guard let path = $1?.path else { return false }
                return [".png", ".gif", ".jpg"].contains { path.hasSuffix($0) }
            },
            RequestCase(capture: bro, expression: "not path=/images/* and not path=/js/*") {
                guard let path = $1?.path else { return true }
                return !path.hasPrefix("/images/") && !path.hasPrefix("/js/")
            },
            RequestCase(capture: wikipedia, expression: "host=upload.wikimedia.org and path~/thumb/") {
                $1?.host == "upload.wikimedia.org" && $1?.path.contains("/thumb/") == true
            },
            RequestCase(capture: wikipedia, expression: "host=*.wikimedia.org or host=www.wikipedia.org") {
                $1?.host?.hasSuffix(".wikimedia.org") == true || $1?.host == "www.wikipedia.org"
            },
        ]
        return cases
    }()

    @Test(arguments: requestCases)
    func requestFiltersSelectTheOracleRows(_ testCase: RequestCase) throws {
        let url = Fixtures.corpus(testCase.capture)
        let filter = try Filter(testCase.expression)
        let exchanges = try collect(url).exchanges.filter { !$0.request.isPlaceholder }
        let hark = exchanges.filter(filter.matches).map { Self.requestLine($0, withURL: testCase.comparesURLs) }.sorted()
        let oracle = try Self.oracleRequests(url).filter { testCase.oracle($0.method, URLComponents(string: $0.url)) }
            .map { testCase.comparesURLs ? "\($0.method) \($0.url)" : $0.method }.sorted()
        #expect(!oracle.isEmpty, "the condition selects something")
        #expect(hark == oracle)
    }

    /// Status filters on every HTTP/1 capture: exactly the exchanges whose status satisfies the
    /// condition, and, on the captures where hark and tshark see the same final responses, exactly the
    /// oracle's responses that do.
    @Test func statusFiltersSelectTheOracleResponses() throws {
        let cases: [(String, (Int) -> Bool)] = [
            ("status=2xx", { 200..<300 ~= $0 }), ("status=3xx", { 300..<400 ~= $0 }), ("status=4xx", { 400..<500 ~= $0 }),
            ("status=5xx", { 500..<600 ~= $0 }), ("status=200", { $0 == 200 }), ("status>=400", { $0 >= 400 }),
            ("status!=2xx and status exists", { !(200..<300 ~= $0) }), ("status<300 and status>=200", { 200..<300 ~= $0 }),
        ]
        let filters = try cases.map { (try Filter($0.0), $0.1) }
        var agreeing: [String] = []
        for capture in Self.http1Captures {
            let url = Fixtures.corpus(capture)
            // The oracle is tshark's HTTP/1 view: HTTP/2 streams after an h2c upgrade are not in it.
            let exchanges = try collect(url).exchanges.filter { $0.applicationProtocol == .http1 }
            let statuses = exchanges.compactMap { $0.response?.status.rawValue }.sorted()
            let oracle = try Self.oracleFinalStatuses(url).sorted()
            if statuses == oracle { agreeing.append(capture) }
            for (filter, condition) in filters {
                let selected = exchanges.filter(filter.matches).compactMap { $0.response?.status.rawValue }.sorted()
                #expect(selected == statuses.filter(condition), "\(capture): \(filter)")
                if statuses == oracle {
                    #expect(selected == oracle.filter(condition), "\(capture): \(filter) against tshark")
                }
            }
        }
        // Where hark and tshark read a capture differently (no TLS decryption yet; responses hark
        // recovers after a gap and tshark drops; HTTP/0.9), filters are checked against hark's own
        // statuses only. 26 of the 33 captures agree today.
        #expect(agreeing.count >= 26, "agreeing with tshark: \(agreeing)")
        #expect(agreeing.contains("http1-methods-head-options-put-delete-trace.pcap"))
    }

    /// Captures whose oracle is the HTTP/1 one.
    private static let http1Captures = Fixtures.corpusCaptures.filter { name in
        let oracle = try? OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus(name), kind: "oracle"))
        return oracle?.fields.contains("http.response.code") == true
    }

    @Test func methodsCaptureCountsMatchTheOracle() throws {
        let url = Fixtures.corpus("http1-methods-head-options-put-delete-trace.pcap")
        let exchanges = try collect(url).exchanges
        let oracleHeads = try Self.oracleRequests(url).filter { $0.method == "HEAD" }.count
        let oracleClientErrors = try Self.oracleFinalStatuses(url).filter { 400..<500 ~= $0 }.count
        #expect(oracleHeads == 3)
        #expect(oracleClientErrors == 44)
        #expect(exchanges.filter(try Filter("method=HEAD").matches).count == oracleHeads)
        #expect(exchanges.filter(try Filter("status=4xx").matches).count == oracleClientErrors)
        // Streams 44 and 45 answer HEAD with 200, stream 46 with 400.
        #expect(exchanges.filter(try Filter("method=HEAD and status=4xx").matches).count == 1)
    }

    /// `ip=` and `port=` on connections, against tshark's stream endpoints, on every capture.
    @Test(arguments: Fixtures.corpusCaptures)
    func connectionFiltersSelectTheOracleStreams(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle-tcp"))
        let connections = try collect(url).connections
        let streams = oracle.rows.map { row in
            (id: Int(row["tcp.stream"] ?? "") ?? -1, ends: [row["first_source"] ?? "", row["first_destination"] ?? ""].map(Self.split))
        }
        let addresses = Set(streams.flatMap { $0.ends.map(\.address) })
        let ports = Set(streams.compactMap { $0.ends.last?.port })
        let expressions = addresses.map { wanted in ("ip=\(wanted)", { (address: String, _: String) in address == wanted }) }
            + ports.map { port in ("port=\(port)", { (_: String, endPort: String) in endPort == port }) }
        for (expression, condition) in expressions {
            let filter = try Filter(expression, for: .connections)
            let hark = connections.filter { record in
                let info = record.summary.info
                return filter.matches(ConnectionContext(id: info.id, client: info.client, server: info.server), applicationProtocol: record.applicationProtocol)
            }.map(\.summary.info.id).sorted()
            let expected = streams.filter { $0.ends.contains { condition($0.address, $0.port) } }.map(\.id).sorted()
            #expect(hark == expected, "\(capture): \(expression)")
        }
    }

    private static func requestLine(_ exchange: Exchange, withURL: Bool) -> String {
        guard withURL else { return exchange.request.method.rawValue }
        let url = exchange.request.authority == nil ? "" : exchange.request.url(server: exchange.connection.server)
        return "\(exchange.request.method) \(url)"
    }

    /// tshark's requests: comma-joined methods and URIs split apart.
    private static func oracleRequests(_ capture: URL) throws -> [(method: String, url: String)] {
        let table = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
        return table.rows.flatMap { row -> [(method: String, url: String)] in
            let methods = split(row["http.request.method"])
            let urls = split(row["http.request.full_uri"])
            return methods.enumerated().map { ($0.element, $0.offset < urls.count ? urls[$0.offset] : "") }
        }
    }

    /// tshark's response codes less the interim (1xx) ones, which are not an exchange's status.
    private static func oracleFinalStatuses(_ capture: URL) throws -> [Int] {
        let table = try OracleTable(contentsOf: OracleTable.beside(capture, kind: "oracle"))
        return table.rows.flatMap { split($0["http.response.code"]).compactMap(Int.init) }.filter { !(100..<200 ~= $0) || $0 == 101 }
    }

    private static func split(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.components(separatedBy: ",")
    }

    /// `10.0.0.1:80` or `[::1]:80` → address and port.
    private static func split(_ endpoint: String) -> (address: String, port: String) {
        guard let colon = endpoint.lastIndex(of: ":") else { return (endpoint, "") }
        let address = endpoint[..<colon].trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (address, String(endpoint[endpoint.index(after: colon)...]))
    }
}
