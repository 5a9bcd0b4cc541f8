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

    @Test func jsonBodiesCarryTheMessagesAsHARDoes() throws {
        let log = try RecordedGRPCLog.load(Fixtures.recorded("grpc-swift2-calls.expected.json"))
        let (output, _) = try TraceRendering.render(Self.capture, options: TraceOptions(format: .jsonLines, showBodies: true))
        struct Call: CustomStringConvertible {
            var path: String
            var status: Int
            var requests: Int
            var responses: Int
            var firstFieldNumbers: [Int]
            var description: String { "\(path) \(status) \(requests)/\(responses) \(firstFieldNumbers)" }
        }
        var calls: [Call] = []
        for line in output.split(separator: "\n") {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["type"] as? String == "exchange", let grpc = object["grpc"] as? [String: Any] else { continue }
            let requests = try #require(grpc["requestMessages"] as? [[String: Any]])
            let responses = try #require(grpc["responseMessages"] as? [[String: Any]])
            let fields = (responses.first?["fields"] as? [[String: Any]] ?? []).compactMap { $0["n"] as? Int }
            let path = "/\(grpc["service"] as? String ?? "")/\(grpc["method"] as? String ?? "")"
            let status = grpc["status"] as? Int ?? -1
            calls.append(Call(path: path, status: status, requests: requests.count, responses: responses.count, firstFieldNumbers: fields))
        }
        #expect(calls.count == log.calls.count)
        for call in log.calls {
            let numbers: [Int] = (call.responses.first ?? []).map { Int($0.number) }
            let found = calls.contains { found in
                found.path.hasSuffix(call.method) && found.status == call.status && found.requests == call.requests.count
                    && found.responses == call.responses.count && found.firstFieldNumbers == numbers
            }
            #expect(found, "\(call.method) status \(call.status): \(calls)")
        }
    }
}
