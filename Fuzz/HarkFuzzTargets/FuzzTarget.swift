import HarkCapture
import HarkContentCoding
import HarkCore
import HarkFastCGI
import HarkFilter
import HarkHTTP1
import HarkHTTP2
import HarkHTTP3
import HarkModel
import HarkPacket
import HarkQUIC
import HarkReassembly
import HarkSession
package import HarkTLS
package import HarkWebSocket
import NIOCore

/// One parser entry point, fed bytes by libFuzzer (`hark-fuzz`) or by the regression tests that replay
/// committed inputs. Every target must survive any input: a crash, a sanitizer report or a timeout is
/// a finding.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// pcap and pcapng readers, bytes in, records out.
    case capture
    /// The packet decoder: one frame in (the first byte picks the link type).
    case packet
    /// TCP reassembly: a sequence of segments derived from the input.
    case reassembly
    /// The HTTP/1 analyzer on a two-way stream.
    case http1
    /// The HTTP/2 analyzer (frames, HPACK) on a two-way stream.
    case http2
    /// The TLS analyzer on a two-way stream, with a fixed key log so that decryption paths run.
    case tls
    /// The content decoders (the first byte picks the codings).
    case content
    /// The key log parser.
    case keylog
    /// The filter parser (exchanges and connections).
    case filter
    /// The WebSocket analyzer on a two-way stream (the first byte picks the start and compression).
    case websocket
    /// The FastCGI analyzer on a two-way stream (web server → application first), with small limits
    /// (the first byte picks them) so that the caps' paths run.
    case fastcgi
    /// The whole pipeline: a capture through a session.
    case session
    /// The QUIC connection analyzer: datagrams separated by 0xFE, alternating directions.
    case quic
    /// The HTTP/3 analyzer: stream pieces separated by 0xFE, each led by a byte naming the stream (low
    /// four bits), the direction (0x10) and a FIN (0x20).
    case http3

    /// Runs the target on one input and counts what it reported (exchanges, messages, records,
    /// diagnostics: whatever the entry point hands out), so that a replay can check work was done.
    ///
    /// - Parameter keyLog: the key log the `tls` target decrypts with.
    package func run(_ input: UnsafeBufferPointer<UInt8>, keyLog: TLSKeyLog = TLSKeyLog()) -> Int {
        var count = 0
        switch self {
        case .capture: count = Self.readCapture(ByteBuffer(bytes: input))
        case .packet: count = Self.decodePacket(input)
        case .reassembly: count = SegmentScript(input).run()
        case .http1:
            var analyzer = HTTP1Analyzer()
            StreamScript(input).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in count += 1 } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in count += 1 } }, finish: { analyzer.finish($0, at: $1) { _ in count += 1 } })
        case .http2:
            var analyzer = HTTP2Analyzer(start: input.first.map { $0 & 1 == 0 } ?? true ? .connectionStart : .midConnection)
            StreamScript(input.dropFirst()).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in count += 1 } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in count += 1 } }, finish: { analyzer.finish($0, at: $1) { _ in count += 1 } })
        case .tls:
            var analyzer = TLSAnalyzer(keyLog: keyLog)
            StreamScript(input).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in count += 1 } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in count += 1 } }, finish: { analyzer.finish($0, at: $1) { _ in count += 1 } })
        case .content: count = Self.decodeContent(input)
        case .keylog:
            let keyLog = TLSKeyLog()
            count = keyLog.add(input, source: "fuzz").count + keyLog.count
        case .filter: count = Self.parseFilter(input)
        case .websocket:
            var analyzer = WebSocketAnalyzer(start: Self.webSocketStart(input.first ?? 0))
            StreamScript(input.dropFirst()).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in count += 1 } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in count += 1 } }, finish: { analyzer.finish($0, at: $1) { _ in count += 1 } })
        case .fastcgi:
            var analyzer = FastCGIAnalyzer(limits: Self.fastCGILimits(input.first ?? 0))
            StreamScript(input.dropFirst()).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in count += 1 } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in count += 1 } }, finish: { analyzer.finish($0, at: $1) { _ in count += 1 } })
        case .session: count = Self.runSession(ByteBuffer(bytes: input))
        case .quic: count = Self.readQUIC(input, keyLog: keyLog)
        case .http3: count = Self.readHTTP3(input)
        }
        return count
    }

    /// The `websocket` target's start: bit 0 clear is mid-stream, else an upgrade with
    /// permessage-deflate when bit 1 is set.
    package static func webSocketStart(_ first: UInt8) -> WebSocketAnalyzer.Start {
        first & 1 == 0 ? .midStream : .upgrade(deflate: first & 2 == 0 ? nil : PerMessageDeflate())
    }

    /// The `fastcgi` target's limits: the defaults when bit 0 is clear, else caps small enough for a
    /// short input to reach (PARAMS, head, stderr, open requests).
    private static func fastCGILimits(_ first: UInt8) -> FastCGILimits {
        guard first & 1 != 0 else { return FastCGILimits() }
        return FastCGILimits(maxParamsBytes: 64, maxHeadBytes: 32, maxBodyBytes: 64, maxStderrBytes: 16, maxOpenRequests: 2)
    }

    private static func readCapture(_ bytes: ByteBuffer) -> Int {
        guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz") else { return 0 }
        var records = 0
        while reader.next() != nil { records += 1 }
        return records
    }

    private static func decodePacket(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = input.first else { return 0 }
        let linkTypes: [LinkType] = [.ethernet, .raw, .linuxSLL, .linuxSLL2, .null, .loop, .ipv4, .ipv6, .nflog]
        var decoder = PacketDecoder()
        // The rest may hold several frames, 0xFF 0xFF-separated, so that fragments can meet.
        let frames = input.dropFirst().split(separator: 0xFF, maxSplits: 8)
        var tcp = 0
        for frame in frames {
            let packet = decoder.decode(ByteBuffer(bytes: frame), linkType: linkTypes[Int(first) % linkTypes.count], timestamp: Timestamp(nanoseconds: 0))
            if case .tcp = consume packet { tcp += 1 }
        }
        _ = decoder.finish()
        return tcp
    }

    private static func decodeContent(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        guard let first = input.first else { return 0 }
        let choices: [ContentCoding] = [.gzip, .deflate, .brotli, .identity]
        let codings = [choices[Int(first & 3)], choices[Int((first >> 2) & 3)]].prefix(first & 0x10 == 0 ? 1 : 2)
        let decoder = ContentDecoder(codings: Array(codings), maxOutputBytes: 1 << 20)
        let body = input.dropFirst()
        let split = body.count / 2
        var decoded = 0
        decoder.decode(ByteBuffer(bytes: body.prefix(split))) { decoded += $0.count }
        decoder.decode(ByteBuffer(bytes: body.dropFirst(split))) { decoded += $0.count }
        decoder.finish()
        return decoded
    }

    private static func parseFilter(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        let text = String(decoding: input, as: UTF8.self)
        return [(try? Filter(text, for: .exchanges)) != nil, (try? Filter(text, for: .connections)) != nil].filter { $0 }.count
    }

    private static func readQUIC(_ input: UnsafeBufferPointer<UInt8>, keyLog: TLSKeyLog) -> Int {
        var analyzer = QUICConnectionAnalyzer(keyLog: keyLog)
        var count = 0
        let time = Timestamp(nanoseconds: 0)
        for (index, datagram) in input.split(separator: 0xFE, maxSplits: 32).enumerated() {
            analyzer.receive(ByteBuffer(bytes: datagram), from: index % 2 == 0 ? .clientToServer : .serverToClient, at: time) { _ in count += 1 }
        }
        analyzer.finish(at: time) { _ in count += 1 }
        return count &+ analyzer.summary.packets
    }

    private static func readHTTP3(_ input: UnsafeBufferPointer<UInt8>) -> Int {
        var analyzer = HTTP3Analyzer()
        var count = 0
        let time = Timestamp(nanoseconds: 0)
        for piece in input.split(separator: 0xFE, maxSplits: 64) {
            guard let head = piece.first else { continue }
            let stream = UInt64(head & 0x0F)
            let direction: Direction = head & 0x10 == 0 ? .clientToServer : .serverToClient
            analyzer.receive(streamID: stream, direction: direction, bytes: ArraySlice(piece.dropFirst()), at: time) { _ in count += 1 }
            if head & 0x20 != 0 { analyzer.finish(streamID: stream, direction: direction, at: time) { _ in count += 1 } }
        }
        analyzer.finishConnection(at: time) { _ in count += 1 }
        return count
    }

    private static func runSession(_ bytes: ByteBuffer) -> Int {
        guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz") else { return 0 }
        var configuration = SessionConfiguration()
        configuration.readsAhead = false
        var observer = CountingObserver()
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &observer)
        return observer.exchanges
    }
}

/// A session observer that only counts exchanges.
private struct CountingObserver: SessionObserver {
    var exchanges = 0

    mutating func exchange(_ exchange: Exchange) {
        exchanges += 1
    }
}
