import Foundation
import HarkTestSupport
import HarkText
import Testing

/// `hark trace` on the recorded gRPC capture (`Scripts/record-grpc`): each call's status on its line,
/// and with `--bodies` each message's protobuf fields.
struct TracePrinterGRPCTests {
    static let capture = Fixtures.recorded("grpc-swift2-calls.pcap")

    @Test func statusesAreOnTheExchangeLines() throws {
        let log = try RecordedGRPCLog.load(Fixtures.recorded("grpc-swift2-calls.expected.json"))
        let (output, diagnostics) = try TraceRendering.render(Self.capture, options: TraceOptions())
        let lines = output.split(separator: "\n").filter { $0.contains(" POST ") }
        #expect(lines.count == log.calls.count)
        for call in log.calls {
            let status = call.statusMessage.isEmpty ? "grpc=\(call.status) " : "grpc=\(call.status) \"\(call.statusMessage)\""
            #expect(lines.contains { $0.contains(call.method + " " + status) }, "\(call.method) \(status)")
        }
        #expect(output.contains(#"/GetItem grpc=5 "no item 404 (try 1…5)" (stream 3)"#))
        #expect(diagnostics.isEmpty)
    }

    @Test func bodiesShowTheDecodedMessages() throws {
        let (output, _) = try TraceRendering.render(Self.capture, options: TraceOptions(showBodies: true))
        let expected = [
            "    < [gRPC message 1: 60 B]", #"    <   2: "widget""#, "    <   4 {", "    <     1: 30", "    <   }",
            "    <   8: <de ad be ef>", #"    >   1: "how many bolts?""#, #"    <   1: "re: how many bolts?""#,
            "    > [gRPC message 1: 22 B compressed, 2 B decoded]", #"    <   2: "café table""#,
        ]
        for line in expected {
            #expect(output.contains(line + "\n"), "\(line)")
        }
        #expect(!output.contains("[binary"), "gRPC bodies are shown as messages, not summarised")
    }
}
