import Foundation
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// Real nginx in front of real PHP-FPM on loopback, both hops captured (`FastCGILoopbackRecorder`): every
/// browser request is found twice, as HTTP and as FastCGI, and the two are linked.
struct FastCGILoopbackTests {
    @Test(.enabled(if: FastCGILoopbackRecorder.unavailableReason == nil, "\(FastCGILoopbackRecorder.unavailableReason ?? "")"))
    func bothHopsAreDecodedAndLinked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-fcgi-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let recording = try FastCGILoopbackRecorder.record(directory: directory)
        #expect(recording.curlOutput[0].hasSuffix("File not found.\n\n404\n"), "\(recording.curlOutput)")

        let (recorder, _) = try runSession(recording.capture.path)
        #expect(recorder.diagnostics.isEmpty, "\(recorder.diagnostics)")
        let fastCGI = recorder.exchanges.filter { $0.applicationProtocol == .fastCGI }
        let http = recorder.exchanges.filter { $0.applicationProtocol == .http1 }
        #expect(fastCGI.count == 6)
        #expect(http.count == 6)
        #expect(fastCGI.allSatisfy { $0.connection.server.port == UInt16(recording.fastCGIPort) })

        // Keep-alive: nginx reuses one FastCGI connection for several requests (FCGI_KEEP_CONN).
        let perConnection = Dictionary(grouping: fastCGI, by: \.connection.id)
        #expect(perConnection.values.contains { $0.count >= 2 }, "\(perConnection.mapValues(\.count))")
        #expect(fastCGI.allSatisfy { $0.fastCGI?.keepsConnection == true })
        let fastCGIConnections = recorder.connections.filter { $0.summary.info.server.port == UInt16(recording.fastCGIPort) }
        #expect(!fastCGIConnections.isEmpty && fastCGIConnections.allSatisfy { $0.applicationProtocol == .fastCGI })

        // Every HTTP exchange is linked to the FastCGI exchange that served it, and back.
        let byID = Dictionary(uniqueKeysWithValues: recorder.exchanges.map { ($0.id, $0) })
        for exchange in http {
            let upstream = try #require(exchange.upstream, "\(exchange.request.target) not linked")
            let backend = try #require(byID[upstream.exchangeID])
            #expect(backend.applicationProtocol == .fastCGI)
            #expect(backend.downstream?.exchangeID == exchange.id)
            #expect(backend.request.method == exchange.request.method)
            #expect(backend.request.target == exchange.request.target)
            #expect(backend.request.url(server: backend.connection.server) == exchange.request.url(server: exchange.connection.server))
            #expect(upstream.peer.port == UInt16(recording.fastCGIPort))
            #expect(upstream.duration <= exchange.duration, "the backend's time is inside the browser's")
            #expect(backend.response?.status == exchange.response?.status)
        }

        let byTarget = Dictionary(grouping: fastCGI, by: \.request.target).compactMapValues(\.first)
        let get = try #require(byTarget["/index.php?name=a"])
        #expect(get.response?.status.rawValue == 200)
        #expect(get.response?.body.content.text == "hello a")
        #expect(get.response?.headers.first("Content-Type")?.hasPrefix("text/plain") == true)
        #expect(get.request.version == "HTTP/1.1")
        #expect(get.request.authority == "127.0.0.1:\(recording.httpPort)")

        let redirect = try #require(byTarget["/redirect.php"])
        #expect(redirect.response?.status.rawValue == 302)
        #expect(redirect.response?.reason == "Found")
        #expect(redirect.response?.headers.first("Location") == "/index.php?name=redirected")
        #expect(redirect.response?.headers.contains("Status") == false)

        let warn = try #require(byTarget["/warn.php"])
        #expect(warn.fastCGI?.stderr.contains("hark stderr line") == true)
        #expect(warn.response?.status.rawValue == 200)

        let missing = try #require(byTarget["/missing.php"])
        #expect(missing.response?.status.rawValue == 404)
        #expect(missing.fastCGI?.stderr.contains("Primary script unknown") == true)

        let post = try #require(byTarget[FastCGILoopbackRecorder.postPath])
        #expect(post.request.method == .post)
        #expect(post.request.body.content.text == FastCGILoopbackRecorder.postBody)
        #expect(post.request.headers.first("Content-Type") == "application/x-www-form-urlencoded")
        #expect(post.response?.status.rawValue == 201)
        #expect(post.response?.body.content.text == "got 9 bytes: a=1&b=two")
        #expect(fastCGI.allSatisfy { $0.fastCGI?.appStatus == 0 && $0.fastCGI?.protocolStatus == "request-complete" })

        // PHP compressed this one itself: the CGI head says gzip, and the body is decoded as an HTTP
        // body would be (nginx passes the same bytes on to curl).
        let gzip = try #require(byTarget[FastCGILoopbackRecorder.gzipPath])
        let body = try #require(gzip.response?.body)
        #expect(gzip.response?.headers.first("Content-Encoding") == "gzip")
        #expect(body.contentCodings == ["gzip"])
        #expect(body.decodingError == nil)
        #expect(body.content.text == FastCGILoopbackRecorder.gzipText)
        #expect(body.length < FastCGILoopbackRecorder.gzipText.utf8.count / 10)
        #expect(recording.curlOutput[2] == FastCGILoopbackRecorder.gzipText + "\n200\n")

        // The HAR: both hops, linked by `_id`, valid.
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        for exchange in recorder.exchanges { try spool.add(HAREntry(exchange: exchange)) }
        let sink = MemorySink()
        try spool.finish(to: sink)
        let entries = try HARCorpusTests.entries(sink.bytes)
        #expect(entries.filter { $0["_fastcgi"] != nil }.count == 6)
        let ids = Set(entries.compactMap { $0["_id"] as? Int })
        for entry in entries {
            let link = (entry["_upstream"] ?? entry["_downstream"]) as? [String: Any]
            let target = try #require(link?["id"] as? Int)
            #expect(ids.contains(target))
        }
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(sink.bytes)
            #expect(result.status == 0, "\(result.errors)")
        }

        // `hark har` with analysing threads, which serialise entries before the session links the hops:
        // the same document as with one.
        if HarkBinary.url != nil {
            let one = try HarkBinary.run(["har", "--threads", "1", recording.capture.path])
            #expect(one.status == 0 && one.output.contains("\"_upstream\""), "\(one.errors)")
            for threads in ["2", "3"] {
                let many = try HarkBinary.run(["har", "--threads", threads, recording.capture.path])
                #expect(many.status == one.status && many.output == one.output && many.errors == one.errors, "\(threads) threads")
            }
        }
    }
}
