import Foundation
import HarkCore
import HarkFormat
import HarkModel
import HarkText
import Testing

/// gRPC calls in `hark trace`: the status after the URL in text, `grpc_status`/`grpc_method` in JSON.
struct ExchangeLineTests {
    /// A POST to `/helloworld.Greeter/SayHello` on stream 1, with `grpc` as given.
    private func call(_ grpc: GRPCSummary?) -> Exchange {
        let start = Timestamp(nanoseconds: 1_000_000_000)
        let request = HTTPRequestRecord(
            method: HTTPMethod(rawValue: "POST"), target: "/helloworld.Greeter/SayHello", scheme: "http",
            authority: "127.0.0.1:50051", version: "HTTP/2.0", headers: ["content-type": "application/grpc"], headSize: nil,
            body: HTTPMessageBody(length: 12), firstByte: start, lastByte: start
        )
        let response = HTTPResponseRecord(
            status: HTTPStatusCode(rawValue: 200), reason: "", version: "HTTP/2.0", headers: ["content-type": "application/grpc"],
            headSize: nil, body: HTTPMessageBody(length: 0), firstByte: start, lastByte: start.advanced(by: .milliseconds(3))
        )
        let client = Endpoint(address: IPAddress(ipv4: 0x7f00_0001), port: 40_000)
        let server = Endpoint(address: IPAddress(ipv4: 0x7f00_0001), port: 50_051)
        var exchange = Exchange(
            id: 0, connection: ConnectionContext(id: 0, client: client, server: server), applicationProtocol: .http2,
            streamID: 1, indexOnConnection: 0, request: request, response: response
        )
        exchange.grpc = grpc
        return exchange
    }

    private func summary(status: Int?, message: String?) -> GRPCSummary {
        GRPCSummary(service: "helloworld.Greeter", method: "SayHello", status: status, statusMessage: message, requestMessageCount: 1, responseMessageCount: 0)
    }

    private func render(_ exchange: Exchange, _ format: TraceOptions.Format) -> String {
        let sink = MemorySink()
        let output = LineWriter(sink: sink)
        var printer = TracePrinter(output: output, options: TraceOptions(format: format)) { _ in }
        printer.exchange(exchange)
        printer.captureEnded()
        output.flush()
        return String(decoding: sink.bytes, as: UTF8.self)
    }

    @Test func textShowsTheGRPCStatusAfterTheURL() {
        let unavailable = render(call(summary(status: 14, message: "unavailable")), .text)
        #expect(unavailable.contains("POST http://127.0.0.1:50051/helloworld.Greeter/SayHello grpc=14 \"unavailable\" (stream 1)"), "\(unavailable)")
        let ok = render(call(summary(status: 0, message: nil)), .text)
        #expect(ok.contains("/helloworld.Greeter/SayHello grpc=0 (stream 1)"), "\(ok)")
        let noTrailers = render(call(summary(status: nil, message: nil)), .text)
        #expect(!noTrailers.contains("grpc="), "no status captured, nothing shown")
        let hostile = render(call(summary(status: 2, message: "bad\u{1b}[31m")), .text)
        #expect(!hostile.contains("\u{1b}"), "the message is cleaned of terminal escapes")
    }

    @Test func jsonHasTheGRPCStatusAndMethod() throws {
        let line = render(call(summary(status: 14, message: "unavailable")), .jsonLines)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["grpc_status"] as? Int == 14)
        #expect(object["grpc_method"] as? String == "/helloworld.Greeter/SayHello")

        let plain = render(call(nil), .jsonLines)
        let plainObject = try #require(try JSONSerialization.jsonObject(with: Data(plain.utf8)) as? [String: Any])
        #expect(plainObject["grpc_status"] is NSNull, "null, not missing, without a gRPC call")
        #expect(plainObject["grpc_method"] is NSNull)
    }
}
