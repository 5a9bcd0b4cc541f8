import Foundation
import HarkCore
import HarkFormat
@testable import HarkHAR
import NIOCore
import Testing

struct HARWriterTests {
    @Test func twoEntryDocumentReadsBackFieldByField() throws {
        let bytes = try HARTestDocuments.write([HARTestDocuments.getEntry, HARTestDocuments.postEntry])
        let log = try HARTestDocuments.parse(bytes)[object: "log"]
        #expect(log["version"] as? String == "1.2")
        #expect(log[object: "creator"]["name"] as? String == "hark")
        #expect(log[object: "creator"]["version"] as? String == "0.1")
        #expect((log["pages"] as? [Any])?.isEmpty == true)
        #expect(log["browser"] == nil)
        let entries = log[objects: "entries"]
        try #require(entries.count == 2)

        let get = entries[0]
        #expect(get["startedDateTime"] as? String == "2014-01-14T17:04:01.819Z")
        #expect(get["time"] as? Double == 23.875)
        #expect(get["serverIPAddress"] as? String == "93.184.216.34")
        #expect(get["connection"] as? String == "80")
        #expect(get["_resourceType"] as? String == "fetch")
        #expect((get["cache"] as? [String: Any])?.isEmpty == true)
        #expect(get["pageref"] == nil)
        let timings = get[object: "timings"]
        #expect(timings["blocked"] as? Double == -1)
        #expect(timings["dns"] as? Double == -1)
        #expect(timings["connect"] as? Double == 1.25)
        #expect(timings["send"] as? Double == 0.5)
        #expect(timings["wait"] as? Double == 20.125)
        #expect(timings["receive"] as? Double == 2)
        #expect(timings["ssl"] as? Double == -1)

        let request = get[object: "request"]
        #expect(request["method"] as? String == "GET")
        #expect(request["url"] as? String == "http://example.com/search?q=caf%C3%A9+au+lait&page=2")
        #expect(request["httpVersion"] as? String == "HTTP/1.1")
        #expect(request["headersSize"] as? Int == 120)
        #expect(request["bodySize"] as? Int == 0)
        #expect(request["postData"] == nil)
        #expect(request[objects: "headers"].map { $0["name"] as? String } == ["Host", "Cookie", "Authorization"])
        #expect(request[objects: "queryString"].map { $0["value"] as? String } == ["café au lait", "2"])
        #expect(request[objects: "cookies"].map { $0["name"] as? String } == ["session", "theme"])
        #expect(request[objects: "cookies"].first?.keys.sorted() == ["name", "value"])

        let response = get[object: "response"]
        #expect(response["status"] as? Int == 200)
        #expect(response["statusText"] as? String == "OK")
        #expect(response["redirectURL"] as? String == "")
        #expect(response["headersSize"] as? Int == 95)
        #expect(response["bodySize"] as? Int == 26)
        let content = response[object: "content"]
        #expect(content["size"] as? Int == 26)
        #expect(content["mimeType"] as? String == "application/json")
        #expect(content["text"] as? String == "{\"ok\":true,\"name\":\"Zoë\"}\n")
        #expect(content["encoding"] == nil)
        let setCookie = try #require(response[objects: "cookies"].first)
        #expect(setCookie["name"] as? String == "id")
        #expect(setCookie["path"] as? String == "/")
        #expect(setCookie["secure"] as? Bool == true)
        #expect(setCookie["httpOnly"] as? Bool == true)
        #expect(setCookie["sameSite"] as? String == "Lax", "Chrome's spelling (issue 15 item 13)")
        #expect(setCookie["expires"] == nil)

        let post = entries[1]
        #expect(post["startedDateTime"] as? String == "2014-01-14T17:04:01.824Z")
        #expect(post["time"] as? Double == 3.001)  // 0 + 0.001 + 3 + 0.0004 rounded to 0
        #expect(post["serverIPAddress"] as? String == "2001:db8::1")
        #expect(post["_streamId"] as? Int == 3)
        #expect(post[object: "_tls"]["alpn"] as? String == "h2")
        #expect(post[object: "_tls"]["cipherSuite"] as? String == "TLS_AES_128_GCM_SHA256")
        #expect(post["_priority"] as? String == "High")
        #expect(post[object: "_weight"]["value"] as? Int == 16)
        #expect(post[object: "timings"]["receive"] as? Double == 0)
        let postData = post[object: "request"][object: "postData"]
        #expect(postData["mimeType"] as? String == "application/x-www-form-urlencoded")
        #expect(postData["text"] as? String == "user=j%C3%B6rg&note=a+b%26c&flag")
        #expect(postData[objects: "params"].map { $0["value"] as? String } == ["jörg", "a b&c", ""])
        let postResponse = post[object: "response"]
        #expect(postResponse["status"] as? Int == 302)
        #expect(postResponse["redirectURL"] as? String == "/home")
        #expect(postResponse["_transferSize"] as? Int == 140)
        #expect(postResponse[objects: "_trailers"].first?["value"] as? String == "0")
        let binary = postResponse[object: "content"]
        #expect(binary["encoding"] as? String == "base64")
        #expect(binary["text"] as? String == "iVBOR/8A")
        #expect(Data(base64Encoded: binary["text"] as? String ?? "") == Data([0x89, 0x50, 0x4E, 0x47, 0xFF, 0x00]))
    }

    @Test func prettyAndCompactWriteTheSameDocument() throws {
        let entries = [HARTestDocuments.getEntry, HARTestDocuments.postEntry]
        let compact = try HARTestDocuments.write(entries)
        let pretty = try HARTestDocuments.write(entries, configuration: .init(pretty: true))
        #expect(!compact.dropLast().contains(UInt8(ascii: "\n")))
        #expect(String(decoding: pretty, as: UTF8.self).hasPrefix("{\n  \"log\": {\n    \"version\": \"1.2\","))
        let a = try JSONSerialization.jsonObject(with: Data(compact)) as? NSDictionary
        let b = try JSONSerialization.jsonObject(with: Data(pretty)) as? NSDictionary
        #expect(a != nil && a == b)
    }

    @Test func invalidUTF8InEveryBodyIsKeptExactly() throws {
        var entry = HARTestDocuments.getEntry
        let invalid = ByteBuffer(bytes: [0x61, 0xC3, 0x28, 0x22, 0x0A])
        entry.request.postData = HARPostData(mimeType: "text/plain", text: HARBody(BodyStorage(invalid)))
        entry.response.content = HARContent(mimeType: "text/plain", body: BodyStorage(invalid))
        entry.webSocketMessages = [
            HARWebSocketMessage(type: .send, time: HARTestDocuments.time(1_500), opcode: 1, data: BodyStorage(ByteBuffer(string: "hi \"you\""))),
            HARWebSocketMessage(type: .receive, time: HARTestDocuments.time(), opcode: 1, data: BodyStorage(invalid)),
            HARWebSocketMessage(type: .receive, time: HARTestDocuments.time(), opcode: 2, data: BodyStorage(ByteBuffer(string: "bin"))),
        ]
        let written = try #require(try HARTestDocuments.entries(HARTestDocuments.write([entry])).first)
        let postData = written[object: "request"][object: "postData"]
        // Issue 15 item 12: postData has no encoding in HAR 1.2, so consumers replay `text` as it is;
        // like Chrome, text is the lossy UTF-8 decoding and the exact bytes go to `_textBase64`.
        #expect(postData["text"] as? String == "a\u{FFFD}(\"\n")
        #expect(postData["_textBase64"] as? String == "YcMoIgo=")
        #expect(postData["_encoding"] == nil)
        #expect(written[object: "response"][object: "content"]["text"] as? String == "YcMoIgo=")
        let messages = written[objects: "_webSocketMessages"]
        #expect(messages.map { $0["data"] as? String } == ["hi \"you\"", "YcMoIgo=", "Ymlu"])
        #expect(messages.map { $0["type"] as? String } == ["send", "receive", "receive"])
        #expect(messages.first?["time"] as? Double == 1_389_719_041.819001)
        #expect(messages.first?["opcode"] as? Int == 1)
    }

    @Test func binaryPostDataSplitAcrossPiecesDecodesEachCharacterWhole() throws {
        // "é" (C3 A9) straddles the first piece boundary; a lone FF makes the body binary.
        var bytes = [UInt8](repeating: 0x61, count: HARWriter.bodyChunk - 1)
        bytes += [0xC3, 0xA9, 0xFF]
        var entry = HARTestDocuments.getEntry
        entry.request.postData = HARPostData(mimeType: "application/octet-stream", text: HARBody(BodyStorage(ByteBuffer(bytes: bytes))))
        let written = try #require(try HARTestDocuments.entries(HARTestDocuments.write([entry])).first)
        let postData = written[object: "request"][object: "postData"]
        #expect(postData["text"] as? String == String(repeating: "a", count: HARWriter.bodyChunk - 1) + "é\u{FFFD}")
        #expect(postData["_textBase64"] as? String == Data(bytes).base64EncodedString())
        #expect(HARWriter.unfinishedSuffixLength([0x61, 0xF0, 0x9F]) == 2)
        #expect(HARWriter.unfinishedSuffixLength([0xF0, 0x9F, 0x98, 0x80]) == 0)
    }

    @Test func forcedBase64AppliesToValidText() throws {
        var entry = HARTestDocuments.getEntry
        entry.response.content.text = HARBody(BodyStorage(ByteBuffer(string: "abc")), encoding: .base64)
        let content = try #require(try HARTestDocuments.entries(HARTestDocuments.write([entry])).first)[object: "response"][object: "content"]
        #expect(content["text"] as? String == "YWJj")
        #expect(content["encoding"] as? String == "base64")
    }

    @Test func outOfRangeNumbersAreMadeValid() throws {
        var entry = HARTestDocuments.getEntry
        entry.timings = HARTimings(blocked: -0.5, dns: .nan, connect: .infinity, send: -3, wait: .nan, receive: 1e300, ssl: -7)
        entry.request.headersSize = -20
        entry.response.status = -1
        entry.response.content.size = -5
        entry.response.content.mimeType = ""
        let written = try #require(try HARTestDocuments.entries(HARTestDocuments.write([entry])).first)
        let timings = written[object: "timings"]
        #expect(["blocked", "dns", "connect", "ssl"].map { timings[$0] as? Double } == [-1, -1, -1, -1])
        #expect(["send", "wait", "receive"].map { timings[$0] as? Double } == [0, 0, 1e12])
        #expect(written["time"] as? Double == 1e12)
        #expect(written[object: "request"]["headersSize"] as? Int == -1)
        #expect(written[object: "response"]["status"] as? Int == 0)
        #expect(written[object: "response"][object: "content"]["size"] as? Int == 0)
        #expect(written[object: "response"][object: "content"]["mimeType"] as? String == "x-unknown")
    }

    @Test func streamingInSmallChunksGivesTheSameBytesWithBoundedBuffers() throws {
        var entry = HARTestDocuments.getEntry
        let big = ByteBuffer(bytes: (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 % 251) })
        entry.response.content = HARContent(mimeType: "application/octet-stream", body: BodyStorage(big))
        let log = HARLog(creator: HARTestDocuments.creator, entries: [entry])
        let whole = try HARWriter.document(log, configuration: .init(flushThreshold: 1 << 30))

        final class RecordingSink: OutputSink {
            var bytes: [UInt8] = []
            var largestWrite = 0
            var writes = 0
            func write(_ chunk: UnsafeRawBufferPointer) throws {
                bytes.append(contentsOf: chunk)
                largestWrite = max(largestWrite, chunk.count)
                writes += 1
            }
        }
        let sink = RecordingSink()
        var writer = HARWriter(sink: sink, configuration: .init(flushThreshold: 4096))
        try writer.begin(HARLog(creator: HARTestDocuments.creator))
        try writer.write(entry)
        try writer.write(HARTestDocuments.postEntry)
        try writer.finish()
        #expect(writer.entriesWritten == 2)
        #expect(sink.writes >= 1_000_000 / (3 << 14))  // the big body went out in pieces
        #expect(sink.largestWrite <= 4096 + Base64.encodedCount(3 << 14))
        let streamed = try HARTestDocuments.entries(sink.bytes)
        #expect(streamed.count == 2)
        #expect(Array(sink.bytes.prefix(whole.count - 4)) == Array(whole.prefix(whole.count - 4)))
    }

    @Test func misuseIsReportedNotIgnored() throws {
        var writer = HARWriter(sink: MemorySink())
        #expect(throws: HARWriterError.notStarted) { try writer.write(HARTestDocuments.getEntry) }
        #expect(throws: HARWriterError.notStarted) { try writer.finish() }
        try writer.begin(HARLog(creator: HARTestDocuments.creator))
        #expect(throws: HARWriterError.alreadyStarted) { try writer.begin(HARLog(creator: HARTestDocuments.creator)) }
        try writer.finish()
        #expect(throws: HARWriterError.finished) { try writer.write(HARTestDocuments.getEntry) }
        #expect(throws: HARWriterError.finished) { try writer.finish() }
    }

    @Test func logHeaderFieldsAndPages() throws {
        var entry = HARTestDocuments.getEntry
        entry.pageref = "page_1"
        let log = HARLog(
            creator: HARTestDocuments.creator,
            browser: HARCreator(name: "Firefox", version: "120", comment: "guessed"),
            pages: [HARPage(startedDateTime: HARTestDocuments.time(), id: "page_1", title: "Example", pageTimings: HARPageTimings(onLoad: 245.5))],
            entries: [entry],
            comment: "from capture.pcap"
        )
        let parsed = try HARTestDocuments.parse(try HARWriter.document(log))[object: "log"]
        #expect(parsed[object: "browser"]["comment"] as? String == "guessed")
        #expect(parsed["comment"] as? String == "from capture.pcap")
        let page = try #require(parsed[objects: "pages"].first)
        #expect(page["id"] as? String == "page_1")
        #expect(page[object: "pageTimings"]["onLoad"] as? Double == 245.5)
        #expect(page[object: "pageTimings"]["onContentLoad"] as? Double == -1)
        #expect(parsed[objects: "entries"].first?["pageref"] as? String == "page_1")
    }

    @Test func fileDescriptorSinkWritesTheDocument() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-har-\(UUID().uuidString).har")
        #expect(FileManager.default.createFile(atPath: url.path, contents: nil))
        defer { try? FileManager.default.removeItem(at: url) }
        let handle = try FileHandle(forWritingTo: url)
        var writer = HARWriter(sink: FileDescriptorSink(fileDescriptor: handle.fileDescriptor))
        try writer.begin(HARLog(creator: HARTestDocuments.creator, entries: [HARTestDocuments.getEntry]))
        try writer.finish()
        try handle.close()
        #expect(try HARTestDocuments.entries(Array(Data(contentsOf: url))).count == 1)
        var broken = HARWriter(sink: FileDescriptorSink(fileDescriptor: -1))
        try broken.begin(HARLog(creator: HARTestDocuments.creator))
        #expect(throws: HARWriterError.writeFailed(errno: EBADF)) { try broken.finish() }
    }
}
