import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// HTTP/2 through the whole pipeline against tshark's HTTP/2 oracles: per TCP stream, the requests
/// (`METHOD authority path`) and the response statuses, as sorted lists (tshark lists frames in capture
/// order, hark exchanges in completion order).
struct HTTP2CorpusTests {
    /// Captures with an HTTP/2 oracle: `*.oracle.tsv` for h2c-only captures, `*.oracle-h2.tsv` beside an
    /// HTTP/1 oracle for h2c upgrades; h2 over TLS decrypted with the capture's key log, as tshark did.
    static let oracles: [(capture: String, kind: String)] = Fixtures.corpusCaptures.compactMap { name in
        let capture = Fixtures.corpus(name)
        for kind in ["oracle-h2", "oracle"] {
            if let table = try? OracleTable(contentsOf: OracleTable.beside(capture, kind: kind)), table.fields.contains("http2.streamid") {
                return (name, kind)
            }
        }
        return nil
    }

    struct Messages: Equatable, CustomStringConvertible {
        var requests: [String] = []
        var statuses: [String] = []
        var description: String { "requests \(requests) statuses \(statuses)" }
    }

    @Test(arguments: oracles.map(\.capture))
    func streamsAgreeWithTshark(capture: String) throws {
        let kind = try #require(Self.oracles.first { $0.capture == capture }?.kind)
        let url = Fixtures.corpus(capture)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: kind))
        var tshark: [Int: Messages] = [:]
        for row in oracle.rows {
            guard let stream = Int(row["tcp.stream"] ?? "") else { continue }
            let methods = split(row["http2.headers.method"])
            let paths = split(row["http2.headers.path"])
            let authorities = split(row["http2.headers.authority"])
            for (index, method) in methods.enumerated() {
                let authority = index < authorities.count ? authorities[index] : ""
                let path = index < paths.count ? paths[index] : ""
                tshark[stream, default: Messages()].requests.append("\(method) \(authority) \(path)")
            }
            tshark[stream, default: Messages()].statuses += split(row["http2.headers.status"])
        }

        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        var hark: [Int: Messages] = [:]
        for exchange in recorder.exchanges where exchange.applicationProtocol == .http2 {
            let request = exchange.request
            // The request of an h2c upgrade's stream 1 travelled as HTTP/1; tshark's HTTP/2 oracle lacks it.
            if !request.isPlaceholder, !(kind == "oracle-h2" && exchange.streamID == 1) {
                hark[exchange.connection.id, default: Messages()].requests.append("\(request.method) \(request.authority ?? "") \(request.target)")
            }
            for response in exchange.interimResponses + (exchange.response.map { [$0] } ?? []) {
                hark[exchange.connection.id, default: Messages()].statuses.append(String(response.status.rawValue))
            }
        }
        for stream in Set(tshark.keys).union(hark.keys).sorted() {
            var expected = tshark[stream] ?? Messages()
            var found = hark[stream] ?? Messages()
            expected.requests.sort()
            expected.statuses.sort()
            found.requests.sort()
            found.statuses.sort()
            #expect(found == expected, "\(capture) tcp.stream \(stream)")
            #expect(!found.statuses.isEmpty, "\(capture) tcp.stream \(stream): no HTTP/2 response found")
        }
    }

    private func split(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.components(separatedBy: ",")
    }
}
