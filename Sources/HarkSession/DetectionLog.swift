import HarkCore
import HarkFastCGI
import HarkModel
import HarkWebSocket
import HarkTLS
import NIOCore

/// What a connection delivered while its protocol was still unknown, kept in order so the chosen
/// analyzer can replay it. Bounded: a verdict comes within the first bytes, or within
/// `StreamAnalyzer.searchLimit` bytes of a mid-stream connection.
struct DetectionLog {
    enum Item {
        /// Bytes, their capture time and their packet's number.
        case data(Direction, ByteBuffer, Timestamp, Int)
        case gap(Direction, Int, Timestamp)
        case end(Direction, Timestamp)
    }

    enum Verdict: Equatable {
        /// Not enough bytes yet.
        case waiting
        /// HTTP/1; `swapped` when the side reassembly took for the client sends responses.
        case http1(swapped: Bool)
        /// WebSocket frames mid-stream; `swapped` when the side reassembly took for the client sends
        /// unmasked (server) frames.
        case webSocket(swapped: Bool)
        /// FastCGI, from the web server's first record (`BEGIN_REQUEST`); `swapped` when it came from the
        /// side reassembly took for the server.
        case fastCGI(swapped: Bool)
        /// HTTP/2 recognised from its frame layout on a connection joined mid-way (no preface).
        case http2MidConnection
        /// TLS on a connection joined mid-way, after skipping the given bytes of each direction (the
        /// rest of a record cut by the capture's start).
        case tlsMidRecord(clientSkip: Int, serverSkip: Int)
        /// Something else, not analysed further here.
        case `protocol`(ApplicationProtocol)
    }

    /// Whether the capture missed the connection's start (then a body may come first).
    let midStream: Bool
    /// Whether no more bytes will come (a direction ended while detecting).
    var isFinal = false
    private(set) var items: [Item] = []
    private var byteCount = 0

    init(midStream: Bool) {
        self.midStream = midStream
    }

    mutating func append(_ item: Item) {
        if case .data(_, let bytes, _, _) = item { byteCount += bytes.readableBytes }
        items.append(item)
    }

    /// Capture time of the first item (zero when none).
    var firstTime: Timestamp {
        switch items.first {
        case .data(_, _, let time, _), .gap(_, _, let time), .end(_, let time): time
        case nil: Timestamp(nanoseconds: 0)
        }
    }

    /// The bytes of one direction so far (gaps left out).
    private func bytes(_ direction: Direction) -> ByteBuffer {
        var joined = ByteBuffer()
        for case .data(direction, let bytes, _, _) in items {
            joined.writeImmutableBuffer(bytes)
        }
        return joined
    }

    /// Decides from the first bytes of each direction: the client's first, then the server's.
    func verdict() -> Verdict {
        let client = bytes(.clientToServer)
        let server = bytes(.serverToClient)
        let clientVerdict = ProtocolDetector.classify(client)
        let serverVerdict = ProtocolDetector.classify(server)
        switch fastCGIRecords(client: client, server: server) {
        case .records(let swapped): return .fastCGI(swapped: swapped)
        case .needMore where !isFinal: return .waiting
        case .needMore, .other: break
        }
        let startsWithStatusLine = { (buffer: ByteBuffer) in
            ProtocolDetector.skippingEmptyLines(buffer.readableBytesView).starts(with: "HTTP/".utf8)
        }

        for (verdict, buffer, isClient) in [(clientVerdict, client, true), (serverVerdict, server, false)] {
            guard case .detected(let found) = verdict, found != .unknown else { continue }
            if found == .http1 {
                // A status line from the "client", or a request line from the "server": roles were guessed wrong.
                let looksLikeResponse = startsWithStatusLine(buffer)
                return .http1(swapped: isClient == looksLikeResponse && midStream)
            }
            if found == .tls, midStream {
                // One direction starts at a record; the other may start inside one.
                let skips = (client: tlsSkip(client), server: tlsSkip(server))
                if skips.client > 0 || skips.server > 0 {
                    return .tlsMidRecord(clientSkip: skips.client, serverSkip: skips.server)
                }
            }
            return .protocol(found)
        }
        let bothUnknown = clientVerdict == .detected(.unknown) && serverVerdict == .detected(.unknown)
        let mustDecide = bothUnknown || isFinal || byteCount >= StreamAnalyzer.searchLimit
        if midStream, let swapped = webSocketFrames(client: client, server: server, oneSideSuffices: mustDecide) {
            return .webSocket(swapped: swapped)
        }
        if midStream {
            let settled = isFinal || byteCount >= StreamAnalyzer.searchLimit
            switch MidStreamLayout.recognise(client: client, server: server, settled: settled) {
            case .http2: return .http2MidConnection
            case .tls(let clientSkip, let serverSkip): return .tlsMidRecord(clientSkip: clientSkip, serverSkip: serverSkip)
            case .waiting: return .waiting
            case .neither: break
            }
        }
        // Unknown first bytes from one side may still meet a status line from the other (an extension
        // method, a lower-case request): decide only when both sides spoke, or nothing more will come.
        guard mustDecide else { return .waiting }
        let sawGap = items.contains { if case .gap = $0 { true } else { false } }
        if isFinal, byteCount == 0, !sawGap { return .protocol(.none) }  // no payload either way
        if midStream {
            if let swapped = searchForHTTP1(client: client, server: server) { return .http1(swapped: swapped) }
            if byteCount < StreamAnalyzer.searchLimit, !isFinal { return .waiting }
        }
        return .protocol(.unknown)
    }

    /// Whether the client's first bytes hold an `Upgrade` header field (a WebSocket or h2c upgrade).
    var clientRequestsUpgrade: Bool {
        let marker = Array("\nupgrade:".utf8)
        let view = bytes(.clientToServer).readableBytesView
        guard view.count >= marker.count else { return false }
        var index = view.startIndex
        while let found = view[index...].firstIndex(of: UInt8(ascii: "\n")) {
            let candidate = view[found...].prefix(marker.count).map { $0 | 0x20 }
            if candidate.elementsEqual(marker.map { $0 | 0x20 }) { return true }
            index = view.index(after: found)
        }
        return false
    }

    /// Whether a mid-stream connection's directions start with WebSocket frames: masked ones from the
    /// client, unmasked ones from the server (LIVE-AND-VIEWS §7). Masked frames from one side, with
    /// nothing contrary from the other, decide at once; unmasked frames alone only when a verdict is due.
    /// Returns whether the roles are swapped, or nil when these are not WebSocket frames.
    private func webSocketFrames(client: ByteBuffer, server: ByteBuffer, oneSideSuffices: Bool) -> Bool? {
        for swapped in [false, true] {
            let masked = WebSocketFrameShape.classify(swapped ? server : client, fromClient: true)
            let unmasked = WebSocketFrameShape.classify(swapped ? client : server, fromClient: false)
            switch (masked, unmasked) {
            case (.frames, .frames), (.frames, .needMore): return swapped
            case (.needMore, .frames) where oneSideSuffices: return swapped
            default: continue
            }
        }
        return nil
    }

    private enum FastCGIStart { case records(swapped: Bool), needMore, other }

    /// Whether a direction starts with a FastCGI web server's `BEGIN_REQUEST` (by shape, on any port):
    /// the client's, or on a connection joined mid-way the server's (the roles were guessed wrong).
    private func fastCGIRecords(client: ByteBuffer, server: ByteBuffer) -> FastCGIStart {
        switch FastCGIRecordShape.classify(client) {
        case .records: return .records(swapped: false)
        case .needMore where client.readableBytes > 0: return .needMore
        case .needMore, .other: break
        }
        guard midStream else { return .other }
        switch FastCGIRecordShape.classify(server) {
        case .records: return .records(swapped: true)
        case .needMore where server.readableBytes > 0: return .needMore
        case .needMore, .other: return .other
        }
    }

    /// Bytes of a direction before its first TLS record: 0 when it starts with a record header, or when
    /// no chain of at least two records is found after a cut one.
    private func tlsSkip(_ bytes: ByteBuffer) -> Int {
        guard ProtocolDetector.classify(bytes) != .detected(.tls),
            let chain = TLSAnalyzer.recordChain(in: bytes, minimumRecords: 2)
        else { return 0 }
        return chain.offset
    }

    /// Looks for an HTTP/1 status line at a line start in either direction of a mid-stream connection.
    private func searchForHTTP1(client: ByteBuffer, server: ByteBuffer) -> Bool? {
        let marker = Array("\nHTTP/1.".utf8)
        if contains(server, marker) { return false }
        if contains(client, marker) { return true }
        return nil
    }

    private func contains(_ buffer: ByteBuffer, _ marker: [UInt8]) -> Bool {
        let view = buffer.readableBytesView
        guard view.count >= marker.count, let first = marker.first else { return false }
        var index = view.startIndex
        while let found = view[index...].firstIndex(of: first) {
            if view[found...].starts(with: marker) { return true }
            index = view.index(after: found)
        }
        return false
    }
}
