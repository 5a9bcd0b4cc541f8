import Foundation
import HarkCore
import HarkHAR
import HarkModel
import HarkTestSupport
import NIOCore
import Testing

/// `_grpc` in HAR entries: the messages each way with their protobuf fields in the documented compact
/// form, bounded by `HARGRPCLimits`, with counts of what was left out.
struct HARWriterGRPCTests {
    /// {1: 150, 2: "héllo wörld", 3: {1: 1, 2: 2}, 4: fixed32 1, 5: fixed64 2^60, 6: bytes de ad be ef}.
    static let richMessage: [UInt8] =
        [0x08, 0x96, 0x01] + [0x12, 13] + Array("héllo wörld".utf8) + [0x1a, 0x04, 0x08, 0x01, 0x10, 0x02]
        + [0x25, 1, 0, 0, 0] + [0x29, 0, 0, 0, 0, 0, 0, 0, 0x10] + [0x32, 0x04, 0xde, 0xad, 0xbe, 0xef]

    /// A gRPC POST whose call carries `grpc`.
    static func exchange(_ grpc: GRPCSummary) -> Exchange {
        let start = Timestamp(nanoseconds: 1_700_000_000_000_000_000)
        let request = HTTPRequestRecord(
            method: HTTPMethod(rawValue: "POST"), target: "/pkg.Service/Method", scheme: "http", authority: "127.0.0.1:50051",
            version: "HTTP/2.0", headers: ["content-type": "application/grpc"], headSize: nil, body: HTTPMessageBody(length: 0),
            firstByte: start, lastByte: start
        )
        let response = HTTPResponseRecord(
            status: HTTPStatusCode(rawValue: 200), reason: "", version: "HTTP/2.0", headers: ["content-type": "application/grpc"],
            headSize: nil, body: HTTPMessageBody(length: 0), firstByte: start, lastByte: start
        )
        let endpoint = Endpoint(address: IPAddress(ipv4: 0x7f00_0001), port: 50_051)
        var exchange = Exchange(
            id: 0, connection: ConnectionContext(id: 0, client: endpoint, server: endpoint), applicationProtocol: .http2,
            streamID: 1, indexOnConnection: 0, request: request, response: response
        )
        exchange.grpc = grpc
        return exchange
    }

    static func message(_ bytes: [UInt8], compressed: Bool = false, error: String? = nil) -> GRPCMessage {
        GRPCMessage(isCompressed: compressed, wireLength: bytes.count, payload: ByteBuffer(bytes: bytes), decodingError: error)
    }

    /// The `_grpc` object of the one entry written for `grpc`, and the document.
    static func written(_ grpc: GRPCSummary, options: HARExportOptions = .init()) throws -> ([String: Any], [UInt8]) {
        let bytes = try HARTestDocuments.write([HAREntry(exchange: exchange(grpc), options: options)])
        let entry = try #require(try HARTestDocuments.entries(bytes).first)
        return (entry[object: "_grpc"], bytes)
    }

    @Test func messagesAreWrittenWithTheirFields() throws {
        let call = GRPCSummary(
            service: "pkg.Service", method: "Method", status: 5, statusMessage: "not here", requestMessageCount: 1,
            responseMessageCount: 1, requestMessages: [Self.message(Self.richMessage)], responseMessages: [Self.message([0x08, 0x07])]
        )
        let (grpc, bytes) = try Self.written(call)
        #expect(grpc["service"] as? String == "pkg.Service" && grpc["method"] as? String == "Method")
        #expect(grpc["status"] as? Int == 5 && grpc["statusMessage"] as? String == "not here")
        let request = try #require(grpc[objects: "requestMessages"].first)
        #expect(request["compressed"] as? Bool == false && request["length"] as? Int == Self.richMessage.count)
        let fields = request[objects: "fields"]
        #expect(fields.map { $0["n"] as? Int } == [1, 2, 3, 4, 5, 6])
        #expect(fields[0]["varint"] as? Int == 150)
        #expect(fields[1]["string"] as? String == "héllo wörld")
        let nested = fields[2][objects: "message"]
        #expect(nested.map { $0["n"] as? Int } == [1, 2] && nested.map { $0["varint"] as? Int } == [1, 2])
        #expect(fields[3]["fixed32"] as? Int == 1)
        #expect(fields[4]["fixed64"] as? String == "1152921504606846976", "above 2^53 − 1: a decimal string")
        #expect(fields[5]["bytes"] as? String == "3q2+7w==")
        #expect(request["omittedFields"] == nil && grpc["omittedRequestMessages"] == nil)
        #expect(grpc[objects: "responseMessages"].first?[objects: "fields"].first?["varint"] as? Int == 7)
        if HARValidator.isAvailable {
            let result = try HARValidator.validate(bytes)
            #expect(result.status == 0, "\(result.errors)")
        }
    }

    @Test func limitsCountWhatIsLeftOut() throws {
        let call = GRPCSummary(
            service: "pkg.Service", method: "Method", status: 0, statusMessage: nil, requestMessageCount: 10, responseMessageCount: 0,
            requestMessages: Array(repeating: Self.message(Self.richMessage), count: 3)
        )
        let limits = HARGRPCLimits(maxMessages: 2, maxFields: 4, maxValueBytes: 2)
        let (grpc, _) = try Self.written(call, options: HARExportOptions(grpc: limits))
        let messages = grpc[objects: "requestMessages"]
        #expect(messages.count == 2)
        #expect(grpc["omittedRequestMessages"] as? Int == 8, "10 seen, 2 written")
        #expect(grpc["responseMessages"] as? [Any] != nil, "written, though empty")
        let fields = try #require(messages.first)[objects: "fields"]
        // Fields 1, 2, 3 and the first nested field cost the four; nested 2 and fields 4, 5, 6 are left out.
        #expect(fields.map { $0["n"] as? Int } == [1, 2, 3])
        #expect(fields[2][objects: "message"].count == 1)
        #expect(messages.first?["omittedFields"] as? Int == 4)
        #expect(fields[1]["string"] as? String == "h", "cut before the é, not inside it")
        #expect(fields[1]["omittedBytes"] as? Int == 12)
    }

    @Test func payloadsThatAreNotShownHaveNoFields() throws {
        let call = GRPCSummary(
            service: nil, method: nil, status: nil, statusMessage: nil, requestMessageCount: 4, responseMessageCount: 0,
            requestMessages: [
                Self.message([]),
                Self.message(Array("{\"json\": true}".utf8) + [0xff]),
                Self.message([0x1f, 0x8b, 0x00], compressed: true, error: "gzip: bad header"),
                Self.message([0x08, 0x01]),
            ]
        )
        let (grpc, bytes) = try Self.written(call)
        let messages = grpc[objects: "requestMessages"]
        #expect(messages.count == 4)
        #expect((messages[0]["fields"] as? [Any])?.isEmpty == true, "an empty message: all fields at their defaults")
        #expect(messages[1]["fields"] == nil, "not protobuf wire format")
        #expect(messages[2]["fields"] == nil && messages[2]["decodingError"] as? String == "gzip: bad header")
        #expect(messages[2]["compressed"] as? Bool == true)
        #expect(grpc["service"] == nil && grpc["status"] == nil)
        if HARValidator.isAvailable {
            #expect(try HARValidator.validate(bytes).status == 0)
        }

        let (withoutBodies, _) = try Self.written(call, options: HARExportOptions(includeBodies: false))
        let lengths = withoutBodies[objects: "requestMessages"].map { $0["length"] as? Int }
        #expect(lengths == [0, 15, 3, 2], "--no-bodies keeps the lengths")
        #expect(withoutBodies[objects: "requestMessages"].allSatisfy { $0["fields"] == nil })
    }
}
