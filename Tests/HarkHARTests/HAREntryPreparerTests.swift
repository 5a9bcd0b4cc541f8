import Foundation
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import NIOCore
import Testing

/// `HAREntryPreparer` serializes an exchange's entry ahead of time into exactly the bytes the spool
/// writes for the entry itself, and leaves to the spool's thread what it cannot or should not do there.
struct HAREntryPreparerTests {
    /// A POST with `requestBody` answered by a 200 with `responseBody`.
    private static func exchange(requestBody: [UInt8], responseBody: [UInt8]) -> Exchange {
        let start = Timestamp(nanoseconds: 1_700_000_000_000_000_000)
        let request = HTTPRequestRecord(
            method: HTTPMethod(rawValue: "POST"), target: "/form?q=1", scheme: "http", authority: "example.com",
            version: "HTTP/1.1", headers: ["Host": "example.com", "Cookie": "a=1", "Content-Type": "text/plain"], headSize: 80,
            body: HTTPMessageBody(bytes: BodyStorage(ByteBuffer(bytes: requestBody)), length: requestBody.count, wireBytes: requestBody.count),
            firstByte: start, lastByte: start.advanced(by: .milliseconds(1))
        )
        let response = HTTPResponseRecord(
            status: HTTPStatusCode(rawValue: 200), reason: "OK", version: "HTTP/1.1", headers: ["Content-Type": "text/html"],
            headSize: 60,
            body: HTTPMessageBody(bytes: BodyStorage(ByteBuffer(bytes: responseBody)), length: responseBody.count, wireBytes: responseBody.count),
            firstByte: start.advanced(by: .milliseconds(5)), lastByte: start.advanced(by: .milliseconds(9))
        )
        let client = Endpoint(address: IPAddress(ipv4: 0x0a00_0001), port: 50_000)
        let server = Endpoint(address: IPAddress(ipv4: 0x0a00_0002), port: 80)
        return Exchange(
            id: 0, connection: ConnectionContext(id: 3, client: client, server: server), applicationProtocol: .http1,
            streamID: nil, indexOnConnection: 0, request: request, response: response
        )
    }

    /// Text with quotes, a control character and non-ASCII letters (escaped), and bytes that are not
    /// UTF-8 (base64).
    private static let text = Array("say \"héllo\"\n\u{1}<p>".utf8)
    private static let binary: [UInt8] = [0xff, 0xfe, 0x00, 0x80, 0x41]

    private static func document(_ add: (HARSortingSpool) throws -> Void, configuration: HARWriter.Configuration) throws -> [UInt8] {
        let spool = try HARSortingSpool(log: HARLog(creator: HARCreator(name: "hark", version: "test")), configuration: configuration)
        try add(spool)
        let sink = MemorySink()
        try spool.finish(to: sink)
        return sink.bytes
    }

    @Test(arguments: [false, true])
    func preparedEntriesWriteTheBytesOfTheEntriesThemselves(pretty: Bool) throws {
        let cases: [(HARExportOptions, HARRedaction?)] = [
            (HARExportOptions(), nil),
            (HARExportOptions(includeBodies: false), nil),
            (HARExportOptions(maxBodySize: 3), HARRedaction.chromeSanitized),
        ]
        // The last two are large enough to go to the spool's file straight from their own storage
        // (`HARWriter.directEntryBytes`), between small ones that are copied into its buffer.
        let largeText = Array(repeating: Self.text, count: 12_000).flatMap { $0 }
        let largeBinary = Array(repeating: Self.binary, count: 30_000).flatMap { $0 }
        let exchanges = [
            Self.exchange(requestBody: Self.text, responseBody: Self.binary),
            Self.exchange(requestBody: [], responseBody: largeText),
            Self.exchange(requestBody: [], responseBody: Self.text),
            Self.exchange(requestBody: largeBinary, responseBody: largeText),
        ]
        for (options, redaction) in cases {
            let configuration = HARWriter.Configuration(pretty: pretty, redaction: redaction)
            let preparer = HAREntryPreparer(options: options, inclusion: HARInclusion(), configuration: configuration)
            let direct = try Self.document({ spool in
                for exchange in exchanges { try spool.add(HAREntry(exchange: exchange, options: options)) }
            }, configuration: configuration)
            var largest = 0
            let prepared = try Self.document({ spool in
                for exchange in exchanges {
                    let entry = try #require(preparer.prepare(exchange) as? HARSerializedEntry)
                    largest = max(largest, entry.count)
                    try spool.add(entry)
                }
            }, configuration: configuration)
            #expect(prepared == direct, "\(options), redaction \(redaction != nil), pretty \(pretty)")
            // A writer given them in arrival order (no spool) writes the same document as with the
            // entries themselves: separators included, whichever way an entry reaches its sink.
            let log = HARLog(creator: HARCreator(name: "hark", version: "test"))
            var written = HARWriter(sink: MemorySink(), configuration: configuration)
            try written.begin(log)
            for exchange in exchanges { try written.write(try #require(preparer.prepare(exchange) as? HARSerializedEntry)) }
            try written.finish()
            let inOrder = try #require(written.sink as? MemorySink).bytes
            var whole = log
            whole.entries = exchanges.map { HAREntry(exchange: $0, options: options) }
            #expect(inOrder == (try HARWriter.document(whole, configuration: configuration)), "\(options), pretty \(pretty)")
            // Every entry is in: the comparison covers the separators.
            #expect(try HARTestDocuments.entries(prepared).count == exchanges.count)
            if options.includeBodies, options.maxBodySize == nil {
                #expect(largest >= HARWriter.directEntryBytes, "the direct path is taken")
            }
        }
    }

    @Test func entriesWithBodiesOverTheBoundAreLeftToTheSpool() throws {
        let large = [UInt8](repeating: UInt8(ascii: "a"), count: HAREntryPreparer.maxBodyBytes + 1)
        let exchange = Self.exchange(requestBody: [], responseBody: large)
        let configuration = HARWriter.Configuration()
        #expect(HAREntryPreparer(options: HARExportOptions(), inclusion: HARInclusion(), configuration: configuration).prepare(exchange) == nil)
        // Cut to --max-body-size, or left out, they are small again.
        for options in [HARExportOptions(maxBodySize: 1000), HARExportOptions(includeBodies: false)] {
            let preparer = HAREntryPreparer(options: options, inclusion: HARInclusion(), configuration: configuration)
            #expect(preparer.prepare(exchange) is HARSerializedEntry, "\(options)")
        }
    }

    /// The entries a preparer made and that are still held take at most its `maxHeldBytes`, whatever
    /// their size: past them exchanges are left to the spool, and an entry gives its bytes back when it
    /// goes (once the spool has written it).
    @Test(arguments: [(100_000, 1 << 20), (2 << 20, HAREntryPreparer.maxHeldBytes)])
    func preparedEntriesHeldAtOnceStayWithinTheirBudget(bodyBytes: Int, budget: Int) throws {
        #expect(bodyBytes <= HAREntryPreparer.maxBodyBytes)
        let exchange = Self.exchange(requestBody: [], responseBody: [UInt8](repeating: UInt8(ascii: "a"), count: bodyBytes))
        let preparer = HAREntryPreparer(
            options: HARExportOptions(), inclusion: HARInclusion(), configuration: HARWriter.Configuration(), maxHeldBytes: budget
        )
        var held: [HARSerializedEntry] = []
        while let entry = preparer.prepare(exchange) as? HARSerializedEntry {
            held.append(entry)
            try #require(held.count < 100, "never refused")
        }
        let fit = budget / (bodyBytes * 4 / 3 + 4096)
        #expect(held.count >= fit - 1 && held.count <= fit, "\(held.count) entries of \(bodyBytes) bytes of body held within \(budget)")
        #expect(preparer.heldBytes >= held.reduce(0) { $0 + $1.count }, "the claims cover the entries")
        #expect(preparer.heldBytes <= budget)
        held.removeLast()
        #expect(preparer.prepare(exchange) is HARSerializedEntry, "room given back with the entry")
        held.removeAll()
        #expect(preparer.heldBytes == 0)
    }

    @Test func exchangesTheSpoolMustSeeWholeAreNotPrepared() throws {
        let preparer = HAREntryPreparer(options: HARExportOptions(), inclusion: HARInclusion(), configuration: HARWriter.Configuration())
        var webSocket = Self.exchange(requestBody: [], responseBody: [])
        webSocket.switchedTo = "websocket"
        var linked = Self.exchange(requestBody: [], responseBody: [])
        linked.upstream = HopLink(exchangeID: 1, connectionID: 4, peer: linked.connection.client, duration: .milliseconds(2))
        var unpaired = Self.exchange(requestBody: [], responseBody: [])
        unpaired.request.method = HTTPRequestRecord.placeholderMethod
        for exchange in [webSocket, linked, unpaired] {
            #expect(preparer.prepare(exchange) == nil)
        }
        #expect(preparer.prepare(Self.exchange(requestBody: [], responseBody: [])) != nil)
    }
}
