import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// HTTP/1 exchanges against tshark's view (`*.oracle.tsv`) of every HTTP/1 corpus capture, per TCP
/// stream and in order.
struct HTTP1CorpusTests {
    /// Captures whose oracle is the HTTP/1 one (request method and response code columns).
    static let captures: [String] = Fixtures.corpusCaptures.filter { name in
        guard let oracle = try? OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus(name), kind: "oracle")) else { return false }
        return oracle.fields.contains("http.request.method")
    }

    @Test(arguments: captures)
    func exchangesAgreeWithTshark(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path)
        let tshark = try HTTP1OracleComparison.tshark(url)
        let hark = HTTP1OracleComparison.hark(recorder.exchanges)
        for stream in Set(tshark.keys).union(hark.keys).sorted() {
            #expect(hark[stream] == tshark[stream], "\(capture) stream \(stream)")
        }
    }
}
