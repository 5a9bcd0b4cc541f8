import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// HTTP/1 exchanges against tshark's view (`*.oracle.tsv`) of every HTTP/1 corpus capture, per TCP
/// stream and in order.
struct HTTP1CorpusTests {
    /// Captures whose oracle is the HTTP/1 one (request method and response code columns), TLS ones
    /// included: tshark decrypted those with the capture's key log (`.keys`), and so does hark.
    static let captures: [String] = Fixtures.corpusCaptures.filter { name in
        guard let oracle = try? OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus(name), kind: "oracle")) else { return false }
        return oracle.fields.contains("http.request.method")
    }

    @Test(arguments: captures)
    func exchangesAgreeWithTshark(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let (recorder, _) = try runSession(url.path, configuration: corpusConfiguration(url))
        let tshark = try HTTP1OracleComparison.tshark(url)
        let hark = HTTP1OracleComparison.hark(recorder.exchanges)
        for stream in Set(tshark.keys).union(hark.keys).sorted() {
            guard let exception = Self.exceptions[StreamKey(capture: capture, stream: stream)] else {
                #expect(hark[stream] == tshark[stream], "\(capture) stream \(stream)")
                continue
            }
            #expect(hark[stream] == exception.hark, "\(capture) stream \(stream): hark, where tshark differs")
            #expect(tshark[stream] != exception.hark, "\(capture) stream \(stream): the exception is no longer needed")
            if let problem = exception.flaggedWith {
                let problems = recorder.exchanges.filter { $0.connection.id == stream }.flatMap(\.problems)
                #expect(problems.contains(problem), "\(capture) stream \(stream): \(problems)")
            }
        }
    }
}

/// One TCP stream of one capture.
struct StreamKey: Hashable {
    var capture: String
    var stream: Int
}

/// What hark reports for a stream where tshark is wrong or reports differently, and the problem hark
/// flags there (if any).
struct OracleException {
    var hark: StreamMessages
    var flaggedWith: String?
}

extension HTTP1CorpusTests {
    private static let windowsUpdate =
        "GET http://au.download.windowsupdate.com/msdownload/update/software/uprl/2011/01/windows-kb890830-v3.15-delta_7d99803eaf3b6e8dfa3581348bc694089579d25a.exe"
    private static let zapSuggestions = "POST http://service.zap.co.il/GetSearchMultipleSuggestions.ashx"

    /// The streams where hark and tshark disagree, each checked against the capture's bytes.
    static let exceptions: [StreamKey: OracleException] = [
        // tshark hands CONNECT tunnel payload to a port-based sub-dissector and shows the tunnelled
        // `HTTP/1.1 200 OK` as Data; hark re-detects HTTP/1 inside the tunnel and pairs it with the GET.
        StreamKey(capture: "http1-connect-proxy.pcap", stream: 0): OracleException(
            hark: StreamMessages(requests: ["CONNECT ", "GET "], responses: ["200", "200"])
        ),
        // tshark drops the response to jquery.cycle.all.min.js: 7240 bytes of its body were never
        // captured, so its reassembly never completes; hark reports it, flagged.
        StreamKey(capture: "http1-browse-bro-org.pcap", stream: 2): OracleException(
            hark: StreamMessages(
                requests: [
                    "GET http://bro.org/js/jquery.cycle.all.min.js", "GET http://bro.org/js/general.js",
                    "GET http://bro.org/js/jquery.collapse.js", "GET http://bro.org/images/logo-ncsa.png",
                    "GET http://bro.org/images/menu/default-submenu-sprite.png",
                    "GET http://bro.org/images/icons/download.png",
                ],
                responses: ["200", "200", "200", "200", "200", "200"]
            ),
            flaggedWith: "response body incomplete: 7240 bytes missing"
        ),
        // `OPTIONS * HTTP/1.1`: tshark glues host and target (`http://www.google.com*`); RFC 9112 §3.3
        // gives the asterisk form an empty path, so the URL is `http://www.google.com`.
        StreamKey(capture: "http1-methods-head-options-put-delete-trace.pcap", stream: 0): OracleException(
            hark: StreamMessages(requests: ["OPTIONS http://www.google.com"], responses: ["405"])
        ),
        // `OPTIONS HTTP/1.1`: tshark takes the version for the target (`http://www.google.comHTTP/1.1`);
        // hark reads the version as one and the missing target as the empty path, `/`.
        StreamKey(capture: "http1-methods-head-options-put-delete-trace.pcap", stream: 1): OracleException(
            hark: StreamMessages(requests: ["OPTIONS http://www.google.com/"], responses: ["400"])
        ),
        // `OPTIONS` alone: tshark glues the host to the missing target; hark's URL has the empty path
        // as `/` (RFC 9110 §4.2.3).
        StreamKey(capture: "http1-methods-head-options-put-delete-trace.pcap", stream: 3): OracleException(
            hark: StreamMessages(requests: ["OPTIONS http://www.google.com/"], responses: ["400"])
        ),
        // The capture ends after the head of the space23.jpg response (Content-Length 1151, no body
        // captured); tshark waits for the body and lists nothing, hark reports the response, flagged.
        StreamKey(capture: "link-rawip-ipv4-ipv6-http.pcap", stream: 1): OracleException(
            hark: StreamMessages(
                requests: [
                    "GET http://www.uk6x.com/style1.css", "GET http://www.uk6x.com/main.html",
                    "GET http://www.uk6x.com/header.css", "GET http://www.uk6x.com/images/space23.jpg",
                ],
                responses: ["200", "200", "200", "200"]
            ),
            flaggedWith: "response body incomplete: 1151 bytes missing"
        ),
        // The answer to GET /2 lost 14 body bytes in a capture gap (frame 18 follows an unseen segment);
        // tshark drops it, hark reports it, flagged.
        StreamKey(capture: "tcp-gaps-null-loopback.pcap", stream: 0): OracleException(
            hark: StreamMessages(requests: ["GET ", "GET ", "GET "], responses: ["200", "200", "200"]),
            flaggedWith: "response body incomplete: 14 bytes missing"
        ),
        // The first 206 (816896 bytes) has out-of-order segments, which tshark does not reassemble by
        // default: with `-o tcp.reassemble_out_of_order:TRUE` it lists both 206s, as hark does.
        StreamKey(capture: "tcp-ooo-retx-range-206.pcap", stream: 0): OracleException(
            hark: StreamMessages(requests: [windowsUpdate, windowsUpdate], responses: ["206", "206"])
        ),
        // The first POST lost 1420 body bytes in a capture gap (frame 4 follows an unseen segment);
        // tshark drops it, hark reports it, flagged.
        StreamKey(capture: "tcp-unidirectional-missing-packet.pcap", stream: 0): OracleException(
            hark: StreamMessages(requests: [zapSuggestions, zapSuggestions], responses: []),
            flaggedWith: "request body incomplete: 1420 bytes missing"
        ),
    ]
}
