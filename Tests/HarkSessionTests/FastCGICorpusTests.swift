import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// The corpus FastCGI capture (nginx → PHP-FPM on port 9000, three requests on three connections)
/// against tshark's record listing (`fcgi.type`, `fcgi.id`, `fcgi.content.length`, `fcgi.nv_name` per
/// packet, made with `-d tcp.port==9000,fcgi`).
struct FastCGICorpusTests {
    /// What tshark's records say about one connection's request.
    private struct Records {
        var requestIDs = Set<Int>()
        var paramsBytes = 0
        var stdinBytes = 0
        var stdoutBytes = 0
        var names: [String] = []
    }

    private func oracle() throws -> [Int: Records] {
        let table = try OracleTable(contentsOf: Fixtures.corpus("fastcgi-nginx-phpfpm.oracle.tsv"))
        var byStream: [Int: Records] = [:]
        for row in table.rows {
            guard let stream = Int(row["tcp.stream"] ?? "") else { continue }
            let types = (row["fcgi.type"] ?? "").split(separator: ",").compactMap { Int($0) }
            let ids = (row["fcgi.id"] ?? "").split(separator: ",").compactMap { Int($0) }
            let lengths = (row["fcgi.content.length"] ?? "").split(separator: ",").compactMap { Int($0) }
            var records = byStream[stream] ?? Records()
            for (index, type) in types.enumerated() where index < lengths.count {
                if index < ids.count { records.requestIDs.insert(ids[index]) }
                switch type {
                case 4: records.paramsBytes += lengths[index]
                case 5: records.stdinBytes += lengths[index]
                case 6: records.stdoutBytes += lengths[index]
                default: break
                }
            }
            records.names += (row["fcgi.nv_name"] ?? "").split(separator: ",").map(String.init)
            byStream[stream] = records
        }
        return byStream
    }

    @Test func everyRequestTsharkListsIsAnExchangeWithItsRecords() throws {
        let expected = try oracle()
        let (recorder, _) = try runSession(Fixtures.corpus("fastcgi-nginx-phpfpm.pcap").path)
        #expect(expected.count == 3)
        #expect(recorder.exchanges.count == expected.count)
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        #expect(recorder.connections.allSatisfy { $0.applicationProtocol == .fastCGI })
        for exchange in recorder.exchanges {
            guard let records = expected[exchange.connection.id], let fastCGI = exchange.fastCGI else {
                Issue.record("exchange on connection \(exchange.connection.id) is not in the oracle or not FastCGI")
                continue
            }
            #expect(exchange.applicationProtocol == .fastCGI)
            #expect(records.requestIDs == [fastCGI.requestID])
            #expect(fastCGI.paramsLength == records.paramsBytes)
            #expect(exchange.request.body.length == records.stdinBytes)
            let output = (exchange.response?.headSize ?? 0) + (exchange.response?.body.length ?? 0)
            #expect(output == records.stdoutBytes)
            // Every variable tshark names, HTTP_* ones as headers.
            let headerNames = records.names.filter { $0.hasPrefix("HTTP_") }.map { name in
                name.dropFirst(5).split(separator: "_").map { $0.prefix(1) + $0.dropFirst().lowercased() }.joined(separator: "-")
            }
            #expect(exchange.request.headers.map(\.name) == headerNames)
            #expect(fastCGI.appStatus == 0)
            #expect(fastCGI.protocolStatus == "request-complete")
            #expect(exchange.isComplete, "\(exchange.problems)")
        }
        // What tshark cannot show (it has no field for values): the request each one rebuilds.
        let summary = recorder.exchanges.map { exchange in
            "\(exchange.request.method) \(exchange.request.url(server: exchange.connection.server)) \(exchange.request.version) → \(exchange.response?.status.rawValue ?? 0) \(exchange.response?.reason ?? "")"
        }
        #expect(summary == [
            "GET http://localhost:5080/auth/login HTTP/1.1 → 200 OK",
            "POST http://localhost:5080/auth/login HTTP/1.1 → 302 Found",
            "GET http://localhost:5080/auth/login HTTP/1.1 → 200 OK",
        ])
        let redirect = recorder.exchanges.first { $0.request.method == .post }
        #expect(redirect?.response?.headers.contains("Status") == false)
        #expect(redirect?.response?.headers.first("Location") == "http://localhost:5080/auth/login")
        #expect(redirect?.request.headers.values(for: "Content-Type") == ["application/x-www-form-urlencoded"])
    }
}
