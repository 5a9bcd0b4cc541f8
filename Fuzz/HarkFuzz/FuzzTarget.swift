import HarkCapture
import HarkContentCoding
import HarkCore
import HarkFilter
import HarkHTTP1
import HarkHTTP2
import HarkHTTP3
import HarkPacket
import HarkQUIC
import HarkReassembly
import HarkSession
import HarkTLS
import HarkWebSocket
import NIOCore

/// One parser entry point, fed bytes by libFuzzer. Every target must survive any input: a crash, a
/// sanitizer report or a timeout is a finding.
enum FuzzTarget: String, CaseIterable {
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
    /// The whole pipeline: a capture through a session.
    case session
    /// The QUIC connection analyzer: datagrams separated by 0xFE, alternating directions.
    case quic
    /// The HTTP/3 analyzer: stream pieces separated by 0xFE, each led by a byte naming the stream (low
    /// four bits), the direction (0x10) and a FIN (0x20).
    case http3

    /// Runs the target on one input.
    func run(_ input: UnsafeBufferPointer<UInt8>) {
        let bytes = ByteBuffer(bytes: input)
        switch self {
        case .capture: Self.readCapture(bytes)
        case .packet: Self.decodePacket(input)
        case .reassembly: SegmentScript(input).run()
        case .http1:
            var analyzer = HTTP1Analyzer()
            StreamScript(input).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in } }, finish: { analyzer.finish($0, at: $1) { _ in } })
        case .http2:
            var analyzer = HTTP2Analyzer(start: input.first.map { $0 & 1 == 0 } ?? true ? .connectionStart : .midConnection)
            StreamScript(input.dropFirst()).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in } }, finish: { analyzer.finish($0, at: $1) { _ in } })
        case .tls:
            var analyzer = TLSAnalyzer(keyLog: FixedKeyLog.shared)
            StreamScript(input).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in } }, finish: { analyzer.finish($0, at: $1) { _ in } })
        case .content: Self.decodeContent(input)
        case .keylog: _ = TLSKeyLog().add(input, source: "fuzz")
        case .filter: Self.parseFilter(input)
        case .websocket:
            let first = input.first ?? 0
            let start: WebSocketAnalyzer.Start = first & 1 == 0 ? .midStream : .upgrade(deflate: first & 2 == 0 ? nil : PerMessageDeflate())
            var analyzer = WebSocketAnalyzer(start: start)
            StreamScript(input.dropFirst()).play(receive: { analyzer.receive($0, from: $1, at: $2) { _ in } },
                gap: { analyzer.gap($0, in: $1, at: $2) { _ in } }, finish: { analyzer.finish($0, at: $1) { _ in } })
        case .session: Self.runSession(bytes)
        case .quic: Self.readQUIC(input)
        case .http3: Self.readHTTP3(input)
        }
    }

    private static func readCapture(_ bytes: ByteBuffer) {
        guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz") else { return }
        while reader.next() != nil {}
    }

    private static func decodePacket(_ input: UnsafeBufferPointer<UInt8>) {
        guard let first = input.first else { return }
        let linkTypes: [LinkType] = [.ethernet, .raw, .linuxSLL, .linuxSLL2, .null, .loop, .ipv4, .ipv6, .nflog]
        var decoder = PacketDecoder()
        // The rest may hold several frames, 0xFF 0xFF-separated, so that fragments can meet.
        let frames = input.dropFirst().split(separator: 0xFF, maxSplits: 8)
        for frame in frames {
            _ = decoder.decode(ByteBuffer(bytes: frame), linkType: linkTypes[Int(first) % linkTypes.count], timestamp: Timestamp(nanoseconds: 0))
        }
        _ = decoder.finish()
    }

    private static func decodeContent(_ input: UnsafeBufferPointer<UInt8>) {
        guard let first = input.first else { return }
        let choices: [ContentCoding] = [.gzip, .deflate, .brotli, .identity]
        let codings = [choices[Int(first & 3)], choices[Int((first >> 2) & 3)]].prefix(first & 0x10 == 0 ? 1 : 2)
        let decoder = ContentDecoder(codings: Array(codings), maxOutputBytes: 1 << 20)
        let body = input.dropFirst()
        let split = body.count / 2
        decoder.decode(ByteBuffer(bytes: body.prefix(split))) { _ in }
        decoder.decode(ByteBuffer(bytes: body.dropFirst(split))) { _ in }
        decoder.finish()
    }

    private static func parseFilter(_ input: UnsafeBufferPointer<UInt8>) {
        let text = String(decoding: input, as: UTF8.self)
        _ = try? Filter(text, for: .exchanges)
        _ = try? Filter(text, for: .connections)
    }

    private static func readQUIC(_ input: UnsafeBufferPointer<UInt8>) {
        var analyzer = QUICConnectionAnalyzer(keyLog: FixedKeyLog.shared)
        let time = Timestamp(nanoseconds: 0)
        for (index, datagram) in input.split(separator: 0xFE, maxSplits: 32).enumerated() {
            analyzer.receive(ByteBuffer(bytes: datagram), from: index % 2 == 0 ? .clientToServer : .serverToClient, at: time) { _ in }
        }
        analyzer.finish(at: time) { _ in }
    }

    private static func readHTTP3(_ input: UnsafeBufferPointer<UInt8>) {
        var analyzer = HTTP3Analyzer()
        let time = Timestamp(nanoseconds: 0)
        for piece in input.split(separator: 0xFE, maxSplits: 64) {
            guard let head = piece.first else { continue }
            let stream = UInt64(head & 0x0F)
            let direction: Direction = head & 0x10 == 0 ? .clientToServer : .serverToClient
            analyzer.receive(streamID: stream, direction: direction, bytes: Array(piece.dropFirst()), at: time) { _ in }
            if head & 0x20 != 0 { analyzer.finish(streamID: stream, direction: direction, at: time) { _ in } }
        }
        analyzer.finishConnection(at: time) { _ in }
    }

    private static func runSession(_ bytes: ByteBuffer) {
        guard let reader = try? CaptureReader(bytes: bytes, name: "fuzz") else { return }
        var configuration = SessionConfiguration()
        configuration.readsAhead = false
        var observer = NullObserver()
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &observer)
    }
}
