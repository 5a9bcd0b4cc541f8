import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// The hostile captures of issue #16, built here (they are small), run through the whole pipeline and
/// the `hark` binary. The checks are facts that hold however fast the machine is (a cut reported, a
/// bound kept); the time and memory each construct costs are measured by `Scripts/bench-hostile`.
struct HostileCaptureTests {
    /// A pcap of `frames`, one millisecond apart (each frame's time in milliseconds from `start`).
    static func pcap(_ frames: [(milliseconds: Int, frame: [UInt8])], start: UInt32 = 1_700_000_000) -> [UInt8] {
        var pcap = PcapBuilder()
        for (milliseconds, frame) in frames {
            pcap.append(frame, seconds: start + UInt32(milliseconds / 1000), fraction: UInt32(milliseconds % 1000) * 1000)
        }
        return pcap.bytes
    }

    /// A TCP frame from client port `port` (10.1.x.y) to 10.0.0.1:80.
    static func frame(port: Int, fromClient: Bool = true, flags: TCPFlags, sequence: UInt32 = 1, payload: String = "") -> [UInt8] {
        let client = "10.1.\((port >> 8) & 0xff).\(port & 0xff)"
        let clientPort = UInt16(truncatingIfNeeded: 1024 + (port >> 16))
        let buffer = PacketBuilder.tcpFrame(
            from: fromClient ? client : "10.0.0.1", port: fromClient ? clientPort : 80,
            to: fromClient ? "10.0.0.1" : client, port: fromClient ? 80 : clientPort,
            sequenceNumber: sequence, acknowledgmentNumber: fromClient ? 0 : 2, flags: flags, payload: Array(payload.utf8)
        )
        return Array(buffer.readableBytesView)
    }

    // Hole 1: 1,400 CONNECTs and their 200s, each direction in one segment.
    @Test func nestedConnectTunnelsAreCutAndReported() throws {
        let levels = 1_400
        let bytes = Self.pcap([
            (0, Self.frame(port: 1, flags: [.syn])),
            (1, Self.frame(port: 1, fromClient: false, flags: [.syn, .ack])),
            (2, Self.frame(port: 1, flags: [.ack, .psh], sequence: 2, payload: String(repeating: "CONNECT a:1 HTTP/1.1\r\n\r\n", count: levels))),
            (3, Self.frame(port: 1, fromClient: false, flags: [.ack, .psh], sequence: 2, payload: String(repeating: "HTTP/1.1 200 OK\r\n\r\n", count: levels))),
        ])
        let (recorder, _) = try runSession(bytes: bytes, name: "nested-connect.pcap")
        #expect(recorder.exchanges.count == 9)
        #expect(recorder.diagnostics.contains { $0.message.contains("CONNECT tunnel nested inside 8 other layers") })
    }

    // Hole 3: a SYN flood of 25,000 unanswered SYNs behind one connection that carries a request.
    @Test func aSynFloodIsEvictedAndReported() throws {
        var frames: [(milliseconds: Int, frame: [UInt8])] = [
            (0, Self.frame(port: 0, flags: [.syn])),
            (0, Self.frame(port: 0, fromClient: false, flags: [.syn, .ack])),
            (0, Self.frame(port: 0, flags: [.ack, .psh], sequence: 2, payload: "GET / HTTP/1.1\r\nHost: a\r\n\r\n")),
        ]
        for port in 1...25_000 { frames.append((port / 100, Self.frame(port: port, flags: [.syn]))) }
        let (recorder, statistics) = try runSession(bytes: Self.pcap(frames), name: "syn-flood.pcap")
        #expect(statistics.evictedConnections > 0)
        #expect(statistics.connections == 25_001)
        #expect(recorder.diagnostics.contains { $0.message.contains("more than 20000 TCP connections open at once") })
        #expect(recorder.diagnostics.contains { $0.message == "\(statistics.evictedConnections) TCP connections were evicted from tracking" })
        #expect(recorder.exchanges.count == 1, "the connection with a request outlives the flood")
    }

    /// One exchange whose response is 8 MiB of text gzipped to a few kilobytes.
    private static func compressedResponseCapture() -> [UInt8] {
        let text = [UInt8](repeating: UInt8(ascii: "a"), count: 8 << 20)
        let gzip = ZlibCompressor.compress(text, wrapper: .gzip)
        var conversation = TCPConversation()
        conversation.client(Array("GET /big HTTP/1.1\r\nHost: example.test\r\n\r\n".utf8))
        conversation.server(Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\nContent-Length: \(gzip.count)\r\n\r\n".utf8) + gzip)
        conversation.close()
        return conversation.pcap.bytes
    }

    // Hole 6, second half: a view that prints the start of bodies decodes only that much.
    @Test func aBodyIsDecodedOnlyAsFarAsTheSessionIsAskedTo() throws {
        var configuration = SessionConfiguration()
        configuration.maxDecodedBodyBytes = 262_145  // what `hark trace --bodies` uses by default
        let (capped, _) = try runSession(bytes: Self.compressedResponseCapture(), name: "gzip.pcap", configuration: configuration)
        let body = try #require(capped.exchanges.first?.response?.body)
        #expect(body.decodedLength == 262_145)
        #expect(body.decoded?.count == 262_145)
        let (whole, _) = try runSession(bytes: Self.compressedResponseCapture(), name: "gzip.pcap")
        #expect(whole.exchanges.first?.response?.body.decodedLength == 8 << 20)
    }

    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
    func traceSaysABodyWasDecodedOnlyAsFarAsPrinted() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hark-gzip-\(getpid()).pcap")
        try Data(Self.compressedResponseCapture()).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let text = try HarkBinary.run(["trace", "--bodies", "--max-body-size", "100", file.path])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("[… cut after 100 B; decoded no further than printed]"), "\(text.output)")
        let json = try HarkBinary.run(["trace", "--json", "--bodies", "--max-body-size", "100", file.path])
        let line = try #require(json.output.split(separator: "\n").first { $0.contains("\"exchange\"") })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let response = try #require(object["response_body"] as? [String: Any], "\(object.keys)")
        #expect(response["decoded_size"] is NSNull)
        #expect(response["omitted_bytes"] is NSNull)
        #expect(response["decoding_error"] as? String == "decoded only as far as printed (262144 bytes)")
        #expect((response["text"] as? String)?.count == 100)
    }

    // Hole 4: one connection stays open while 11,500 short ones (SYN, RST; 10 ms apart, so that more
    // than 10,000 are published, 10 s after closing, before the capture ends) close behind it.
    @Test(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
    func connectionsFallBackToCloseOrderPastTheHoldLimit() throws {
        let short = 11_500
        var frames: [(milliseconds: Int, frame: [UInt8])] = [
            (0, Self.frame(port: 0, flags: [.syn])),
            (0, Self.frame(port: 0, fromClient: false, flags: [.syn, .ack])),
        ]
        for port in 1...short {
            frames.append((port * 10, Self.frame(port: port, flags: [.syn])))
            frames.append((port * 10 + 1, Self.frame(port: port, fromClient: false, flags: [.rst, .ack])))
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hark-hold-\(getpid()).pcap")
        try Data(Self.pcap(frames)).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try HarkBinary.run(["connections", file.path])
        #expect(result.status == 0, "\(result.errors)")
        let ids = result.output.split(separator: "\n").compactMap { line in
            line.split(separator: " ").first.flatMap { Int($0.dropFirst()) }
        }
        #expect(ids.count == short + 1)
        #expect(Set(ids) == Set(0...short), "every connection listed once")
        #expect(ids.first == 1, "past the hold limit, connections come as they close: #0 is still open")
        #expect(ids.firstIndex(of: 0) ?? 0 > 10_000, "#0 is listed after the 10,000 held behind it")
    }
}
