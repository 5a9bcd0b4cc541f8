import Foundation
import HarkCore
import HarkFormat
@testable import HarkHAR
import HarkTestSupport
import Testing

/// Issue 18: `hark har`'s memory grew with the capture, by the spool's in-memory index (each entry's
/// byte range and page clue, about 120 bytes an entry, doubled while the array grew). The ranges and
/// clues now go to a temporary file (`HARSpoolRecords`) and only 16-byte sort keys stay in memory.
struct HARSpoolRecordsTests {
    private static func record(_ number: Int, using generator: inout SplitMix64) -> HARSpoolRecords.Record {
        let kind = number % 5
        let client: IPAddress? =
            switch kind {
            case 0: nil
            case 1: IPAddress(ipv6High: generator.next(), low: generator.next())
            default: IPAddress(ipv4: UInt32(truncatingIfNeeded: generator.next()))
            }
        let clue = kind == 4
            ? nil
            : HARPageClue(
                client: client,
                url: "https://site\(number % 7).example/path/\(number)#frag",
                isTopLevelDocument: number % 3 == 0,
                referer: number % 2 == 0 ? "https://site\(number % 7).example/" : nil,
                location: number % 4 == 1 ? "/moved/\(number)" : nil
            )
        let start = Int64(number) * 1000 + Int64(generator.next() % 500)
        return HARSpoolRecords.Record(start: start, end: start + Int64(generator.next() % 100_000), clue: clue)
    }

    @Test func recordsReadBackAsAddedInAnyOrder() throws {
        let directory = FileManager.default.temporaryDirectory.path
        let records = try HARSpoolRecords(directory: directory)
        var generator = SplitMix64(seed: 18)
        let added = (0..<5000).map { Self.record($0, using: &generator) }
        for record in added { try records.append(record) }
        #expect(records.count == added.count)
        var order = Array(added.indices)
        order += order.reversed()
        order += (0..<3000).map { _ in Int(generator.next() % UInt64(added.count)) }
        for number in order {
            #expect(try records.record(number) == added[number], "record \(number)")
        }
        #expect(throws: HARWriterError.self) { try records.record(added.count) }
        #expect(throws: HARWriterError.self) { try records.record(-1) }
    }

    /// Entries with long URLs and every kind of clue: the index grows by its 16-byte keys only (with
    /// room for the array to double), and the document still groups pages.
    @Test func theIndexHoldsSixteenBytesAnEntry() throws {
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")))
        let count = 20_000
        let long = String(repeating: "segment/", count: 24)
        for number in 0..<count {
            let url = "https://a.example/\(long)\(number)"
            var entry = HAREntry(
                startedDateTime: Timestamp(nanoseconds: 1_700_000_000_000_000_000 + Int64((number * 7919) % count) * 1000),
                request: HARRequest(method: "GET", url: url, httpVersion: "HTTP/1.1", headers: [], headersSize: -1, bodySize: 0),
                response: HARResponse(status: 200, statusText: "OK", httpVersion: "HTTP/1.1", headers: [], content: HARContent(size: 0, mimeType: "")),
                timings: HARTimings(send: 0, wait: 0, receive: 0)
            )
            entry.pageClue = HARPageClue(
                client: IPAddress(ipv4: 0x0a00_0001), url: url, isTopLevelDocument: number % 1000 == 0,
                referer: "https://a.example/\(long)\(number - number % 1000)", location: nil
            )
            try spool.add(entry)
        }
        let documents = count / 1000
        #expect(spool.indexMemory < count * 16 * 2 + documents * 300 + 128 * 1024, "\(spool.indexMemory) bytes for \(count) entries")
        let sink = MemorySink()
        try spool.finish(to: sink)
        let document = try JSONSerialization.jsonObject(with: Data(sink.bytes)) as? [String: Any]
        let log = try #require(document?["log"] as? [String: Any])
        #expect((log["pages"] as? [Any])?.count == documents)
        #expect((log["entries"] as? [Any])?.count == count)
    }
}
