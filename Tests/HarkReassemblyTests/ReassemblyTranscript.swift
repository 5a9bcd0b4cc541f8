import HarkCore
import HarkModel
import HarkPacket
import HarkReassembly
import NIOCore

/// Records what reassembly hands out, as text a test can compare: each direction's bytes with gaps
/// written as `[gap N]`, how it ended, the TCP events and the summaries.
struct ReassemblyTranscript: TCPStreamHandler {
    var opened: [TCPConnectionInfo] = []
    var streams: [Int: [Direction: String]] = [:]
    var ends: [Int: [Direction: StreamEndReason]] = [:]
    var events: [TCPEvent] = []
    var summaries: [TCPConnectionSummary] = []

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        opened.append(connection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        streams[connection, default: [:]][direction, default: ""] += String(buffer: bytes)
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        streams[connection, default: [:]][direction, default: ""] += "[gap \(length)]"
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        ends[connection, default: [:]][direction] = reason
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        events.append(event)
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        summaries.append(summary)
    }

    /// The bytes one direction of one connection delivered.
    func stream(_ connection: Int = 0, _ direction: Direction = .clientToServer) -> String {
        streams[connection]?[direction] ?? ""
    }

    /// How many events of a kind matching `predicate` were seen.
    func count(where predicate: (TCPEvent.Kind) -> Bool) -> Int {
        events.filter { predicate($0.kind) }.count
    }
}

/// Builds segments between a fixed client (10.0.0.2:40000) and server (10.0.0.1:80).
struct SegmentScript {
    static let client = Endpoint(address: IPAddress(ipv4: 0x0a00_0002), port: 40000)
    static let server = Endpoint(address: IPAddress(ipv4: 0x0a00_0001), port: 80)

    var clientISN: UInt32 = 1000
    var serverISN: UInt32 = 5000

    /// A segment from the client (or the server) whose payload starts at stream offset `offset`.
    func segment(
        _ direction: Direction,
        offset: Int64,
        _ text: String = "",
        flags: TCPFlags = [.ack],
        ack: UInt32? = nil,
        window: UInt16 = 65535,
        declaredLength: Int? = nil,
        options: TCPOptions = TCPOptions()
    ) -> TCPSegment {
        let fromClient = direction == .clientToServer
        let isn = fromClient ? clientISN : serverISN
        let peerISN = fromClient ? serverISN : clientISN
        let isSyn = flags.contains(.syn)
        let sequence = isSyn ? isn : isn &+ 1 &+ UInt32(truncatingIfNeeded: offset)
        var payload = ByteBufferAllocator().buffer(capacity: text.utf8.count)
        payload.writeString(text)
        return TCPSegment(
            source: fromClient ? Self.client : Self.server,
            destination: fromClient ? Self.server : Self.client,
            sequenceNumber: sequence,
            acknowledgmentNumber: ack ?? (peerISN &+ 1),
            flags: flags,
            window: window,
            options: options,
            payload: payload,
            payloadLength: declaredLength
        )
    }

    /// SYN, SYN-ACK, ACK.
    func handshake() -> [TCPSegment] {
        [
            segment(.clientToServer, offset: 0, flags: [.syn], ack: 0),
            segment(.serverToClient, offset: 0, flags: [.syn, .ack]),
            segment(.clientToServer, offset: 0),
        ]
    }
}

/// Runs segments through a reassembler one millisecond apart and finishes it.
func reassemble(
    _ segments: [TCPSegment],
    limits: ReassemblyLimits = ReassemblyLimits(),
    finish: Bool = true,
    start: Timestamp = Timestamp(nanoseconds: 1_000_000_000_000)
) -> ReassemblyTranscript {
    var reassembler = TCPReassembler(limits: limits)
    var transcript = ReassemblyTranscript()
    for (index, segment) in segments.enumerated() {
        let time = start.advanced(by: .milliseconds(Int64(index)))
        reassembler.process(segment, at: time, packetNumber: index + 1, handler: &transcript)
    }
    if finish {
        reassembler.finish(handler: &transcript)
    }
    return transcript
}
