import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
@testable import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// A session whose connections are analysed on two or three worker threads reports exactly what one
/// thread reports, in the same order: connections, TCP events, exchanges (ids, links between hops,
/// bodies), messages, diagnostics and counts (issue 18). Reassembly limits are also tightened, so
/// that eviction, idle expiry and port reuse end connections of different workers in one step.
struct AnalysisThreadsTests {
    @Test(arguments: Fixtures.allCapturePaths)
    func workersChangeNothing(capture: String) throws {
        let url = URL(fileURLWithPath: capture)
        var configuration = corpusConfiguration(url)
        for tight in [false, true] {
            if tight {
                configuration.reassembly.maxTrackedConnections = 3
                configuration.reassembly.idleTimeout = .seconds(2)
                configuration.reassembly.closedLinger = .milliseconds(200)
            }
            let one = try report(CaptureReader(path: url.path), configuration, threads: 1)
            for threads in [2, 3] {
                let many = try report(CaptureReader(path: url.path), configuration, threads: threads)
                #expect(many == one, "\(capture), \(threads) threads, tight limits: \(tight)")
            }
        }
    }

    @Test func damagedCapturesReportTheSameWithWorkers() throws {
        var generator = SplitMix64(seed: 0x7468_7264)
        let captures = [
            "http1-browse-bro-org.pcap", "h2c-prior-knowledge-doh-post.pcap", "h2-tls13-youtube-dsb.pcapng",
            "tcp-ooo-retx-range-206.pcap", "fastcgi-nginx-phpfpm.pcap",
        ]
        for capture in captures {
            let original = try Fixtures.bytes(Fixtures.corpus(capture))
            for variant in 0..<6 {
                let bytes = DamagedCapture.variant(variant, of: original, using: &generator)
                guard let one = try? report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), SessionConfiguration(), threads: 1)
                else { continue }
                let two = try report(CaptureReader(bytes: ByteBuffer(bytes: bytes), name: capture), SessionConfiguration(), threads: 2)
                #expect(two == one, "\(capture) variant \(variant)")
            }
        }
    }

    /// A WebSocket joined mid-stream whose client has the lower port: reassembly takes it for the
    /// server and the first masked frame, analysed on a worker, turns the roles round; the TCP events
    /// after that, the messages and the connection record name the sides as with one thread.
    @Test func rolesCorrectedOnAWorkerReportTheSame() throws {
        // From the first WebSocket frame on (editcap -r … 8-): client 40492, server 51185.
        let bytes = try PcapCut.from(Fixtures.corpus("websocket-jupyter.pcap"), startingAt: 8)
        let reader = { try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "websocket-jupyter-cut.pcap") }
        let one = try report(try reader(), SessionConfiguration(), threads: 1)
        let info = try #require(one.connections.first?.summary.info)
        #expect(info.roleSource == .webSocketMasking && info.client.port == 40492)
        // The real server (51185) closes first: packet 11 of the cut copy.
        let fins = one.events.filter { if case .fin = $0.kind { true } else { false } }
        #expect(fins.map(\.direction) == [.serverToClient, .clientToServer])
        for threads in [2, 3] {
            #expect(try report(try reader(), SessionConfiguration(), threads: threads) == one, "\(threads) threads")
        }
    }

    /// 20,000 connections, each with one request never answered, all ended together when the capture
    /// ends: that one step makes more calls than a round holds (`ParallelDispatcher.maxRoundItems`), so
    /// it is analysed and merged in several rounds (without the bound, every event of the step was
    /// held at once), and the report is the one-thread report.
    @Test func manyConnectionsEndingTogetherReportTheSame() throws {
        var pcap = PcapBuilder()
        let count = 20_000
        #expect(count > ParallelDispatcher.maxRoundItems)
        for index in 0..<count {
            let client = "11.0.\(index >> 8).\(index & 0xff)"
            let port = UInt16(1024 + index % 50_000)
            let request = Array("GET /\(index) HTTP/1.1\r\nHost: a\r\n\r\n".utf8)
            let frames = [
                PacketBuilder.tcpFrame(from: client, port: port, to: "10.0.0.2", sequenceNumber: 1, flags: [.syn]),
                PacketBuilder.tcpFrame(from: "10.0.0.2", port: 80, to: client, port: port, sequenceNumber: 5000, acknowledgmentNumber: 2, flags: [.syn, .ack]),
                PacketBuilder.tcpFrame(from: client, port: port, to: "10.0.0.2", sequenceNumber: 2, acknowledgmentNumber: 5001),
                PacketBuilder.tcpFrame(
                    from: client, port: port, to: "10.0.0.2", sequenceNumber: 2, acknowledgmentNumber: 5001, flags: [.ack, .psh], payload: request
                ),
            ]
            for (step, frame) in frames.enumerated() {
                pcap.append(Array(frame.readableBytesView), seconds: 1_700_000_000 + UInt32(index / 1000), fraction: UInt32(index % 1000 * 1000 + step))
            }
        }
        let bytes = pcap.bytes
        let reader = { try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "open-requests.pcap") }
        let one = try report(try reader(), SessionConfiguration(), threads: 1)
        #expect(one.exchanges.count == count)
        #expect(try report(try reader(), SessionConfiguration(), threads: 2) == one)
    }

    private func report(_ reader: CaptureReader, _ configuration: SessionConfiguration, threads: Int) throws -> SessionReport {
        var configuration = configuration
        configuration.analysisThreads = threads
        return SessionReport(reader, configuration: configuration)
    }
}
