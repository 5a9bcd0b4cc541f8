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
        let exchanges = [
            Self.exchange(requestBody: Self.text, responseBody: Self.binary),
            Self.exchange(requestBody: [], responseBody: Self.text),
        ]
        for (options, redaction) in cases {
            let configuration = HARWriter.Configuration(pretty: pretty, redaction: redaction)
            let preparer = HAREntryPreparer(options: options, inclusion: HARInclusion(), configuration: configuration)
            let direct = try Self.document({ spool in
                for exchange in exchanges { try spool.add(HAREntry(exchange: exchange, options: options)) }
            }, configuration: configuration)
            let prepared = try Self.document({ spool in
                for exchange in exchanges {
                    try spool.add(try #require(preparer.prepare(exchange) as? HARSerializedEntry))
                }
            }, configuration: configuration)
            #expect(prepared == direct, "\(options), redaction \(redaction != nil), pretty \(pretty)")
            // Both entries are in: the comparison covers two separators.
            #expect(try HARTestDocuments.entries(prepared).count == 2)
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

    /// The entries a preparer made and that are still held take at most its `maxHeldBytes`: past them
    /// exchanges are left to the spool, and an entry gives its bytes back when it goes.
    @Test func preparedEntriesHeldAtOnceStayWithinTheirBudget() throws {
        let exchange = Self.exchange(requestBody: [], responseBody: [UInt8](repeating: UInt8(ascii: "a"), count: 100_000))
        let preparer = HAREntryPreparer(
            options: HARExportOptions(), inclusion: HARInclusion(), configuration: HARWriter.Configuration(), maxHeldBytes: 1 << 20
        )
        var held: [HARSerializedEntry] = []
        while let entry = preparer.prepare(exchange) as? HARSerializedEntry {
            held.append(entry)
            try #require(held.count < 100, "never refused")
        }
        #expect(held.count >= 7 && held.count <= 10, "\(held.count) entries of about 100 kB held within 1 MiB")
        #expect(preparer.heldBytes == held.reduce(0) { $0 + $1.bytes.count })
        #expect(preparer.heldBytes <= 1 << 20)
        held.removeAll()
        #expect(preparer.heldBytes == 0)
        #expect(preparer.prepare(exchange) is HARSerializedEntry)
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
