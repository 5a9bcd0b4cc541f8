public import HarkCore
public import HarkTLS
public import NIOCore

/// Reads one QUIC connection from its UDP datagrams: headers, Initial packets decrypted with keys from
/// the client's Destination Connection ID, Handshake and 1-RTT packets decrypted with a key log's
/// secrets (key updates followed), CRYPTO frames reassembled into the TLS handshake, STREAM frames into
/// in-order stream data with gaps.
///
/// The flow's first sender is taken as the client. Nothing traps on bad input: a packet that cannot be
/// read is counted and reported, and the datagram's other packets are still read.
///
/// ### Example
/// ```swift
/// var connection = QUICConnectionAnalyzer(keyLog: keyLog)
/// connection.receive(payload, from: .clientToServer, at: time) { event in handle(event) }
/// connection.finish { event in handle(event) }
/// print(connection.summary.serverName ?? "-", connection.summary.notDecryptedReason ?? "decrypted")
/// ```
public struct QUICConnectionAnalyzer {
    /// Packet number spaces (RFC 9000 §12.3).
    enum Space: Int, CaseIterable {
        case initial, handshake, application
    }

    let keyLog: TLSKeyLog
    let limits: QUICLimits
    /// What the connection showed so far.
    public internal(set) var summary = QUICConnectionSummary()
    /// The number of the capture packet being read, set by the caller: stream data carries the number of
    /// the packet it came in, also when it was held behind a hole.
    public var packetClock: PacketClock?

    var initialKeys: (client: QUICPacketKeys, server: QUICPacketKeys)?
    var handshakeKeys: [QUICPacketKeys?] = [nil, nil]
    /// The client's 0-RTT keys, once a 0-RTT packet opened with them.
    var earlyDataKeys: QUICPacketKeys?
    /// The capture packets that carried 0-RTT packets opened (at most
    /// `QUICLimits.maxEarlyDataPacketsNoted`): what a request read from them was sent in, replayable
    /// (RFC 9001 §9.2).
    public internal(set) var earlyDataCapturePackets = Set<Int>()
    /// 0-RTT packets the offered suites were tried on without success (given up after a few).
    var earlyDataTrials = 0
    /// The ClientHello's cipher suites, tried on the first 0-RTT packet.
    var offeredCipherSuites: [TLSCipherSuite] = []
    /// 1-RTT keys per direction, across key updates.
    var applicationKeys: [QUICKeyPhases?] = [nil, nil]
    /// The largest packet number received per space and direction.
    var largest: [[UInt64?]] = Array(repeating: [nil, nil], count: 3)
    /// CRYPTO data per space and direction.
    var crypto: [[QUICStreamAssembler]]
    /// TLS handshake messages per direction.
    var handshake: [HandshakeAssembler]
    /// Stream data per stream and direction.
    var streams: [StreamKey: QUICStreamAssembler] = [:] {
        // Any change to the table may move its entries: the remembered index is then stale.
        didSet { lastStream = nil }
    }
    /// The stream of the previous STREAM frame and where it is in `streams`.
    var lastStream: (key: StreamKey, index: Dictionary<StreamKey, QUICStreamAssembler>.Index)?
    /// Out-of-order stream bytes held by all streams.
    var bufferedStreamBytes = 0
    /// The session's budget for what QUIC connections hold while they wait; nil for none beyond
    /// `limits`. Set by the caller before the first datagram.
    public var bufferBudget: ByteBudget?
    /// The bytes this connection holds against `bufferBudget` (streams and CRYPTO levels), given back
    /// when it finishes.
    var heldInBudget = 0
    /// Streams whose direction ended: later frames for them are retransmissions.
    var endedStreams = Set<StreamKey>()
    /// The connection IDs that address each side (the DCIDs of packets sent to it).
    var connectionIDs: [[[UInt8]]] = [[], []]
    /// The key log's size when secrets were last looked up, so a lookup repeats only when it grew.
    var keyLogCountAtLookup: Int?
    /// The buffer of the previous datagram, reused for the next one (once 1-RTT packets decrypt).
    var scratch: [UInt8] = []
    /// Problems already reported, so that each is said once per connection.
    var reported = Set<String>()

    /// - Parameters:
    ///   - keyLog: the session's key log, looked up when the handshake names the client random (and again
    ///     when it grows).
    ///   - limits: memory bounds.
    public init(keyLog: TLSKeyLog, limits: QUICLimits = QUICLimits()) {
        self.keyLog = keyLog
        self.limits = limits
        let assembler = QUICStreamAssembler(maxBufferedBytes: limits.maxBufferedBytesPerStream, maxOffsetAhead: limits.maxOffsetAhead)
        crypto = Array(repeating: [assembler, assembler], count: 3)
        handshake = Array(repeating: HandshakeAssembler(maxLength: limits.maxHandshakeMessageLength), count: 2)
    }

    /// Whether a UDP payload looks like the start of a QUIC connection: a long header of QUIC v1 or v2
    /// (RFC 9000 §17.2: fixed bit set) with room for an Initial packet.
    public static func looksLikeQUIC(_ payload: ByteBuffer) -> Bool {
        guard payload.readableBytes >= 7, let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self),
            first & 0xC0 == 0xC0, let version = payload.getInteger(at: payload.readerIndex &+ 1, as: UInt32.self)
        else { return false }
        return QUICVersion(rawValue: version).isKnown
    }

    /// Whether a UDP payload looks like a 1-RTT QUIC packet (RFC 9000 §17.3: short header, fixed bit
    /// set, room for a packet number and an AEAD tag): what a capture that began mid-connection sees.
    public static func looksLikeShortHeader(_ payload: ByteBuffer) -> Bool {
        guard payload.readableBytes >= 21, let first = payload.getInteger(at: payload.readerIndex, as: UInt8.self) else { return false }
        return first & 0xC0 == 0x40
    }

    /// The connection IDs packets going `direction` carry as their Destination Connection ID, in the
    /// order they were seen (at most 64): what recognises the connection on another address or port
    /// after it moved (RFC 9000 §9). `summary.connectionIDs` counts them on both sides.
    public func connectionIDs(goingTo direction: Direction) -> [[UInt8]] {
        connectionIDs[direction.index]
    }

    /// Reads one datagram's packets (several when coalesced, RFC 9000 §12.2).
    public mutating func receive(_ payload: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (QUICEvent) -> Void) {
        payload.withUnsafeReadableBytes { receive($0, from: direction, at: time, emit: emit) }
    }

    /// The bytes of a datagram that starts with a short header copied before its packet is decrypted:
    /// room for the header and the header protection sample (at most 1 + 20 + 4 + 16 bytes).
    static let copiedHead = 64

    /// The largest datagram buffer kept for the next datagram (a jumbo datagram's is let go).
    static let maxScratchCapacity = 4096

    private mutating func receive(_ source: UnsafeRawBufferPointer, from direction: Direction, at time: Timestamp, emit: (QUICEvent) -> Void) {
        // A copy the packets are decrypted in; frames and stream data are slices of it. Its buffer is the
        // previous datagram's when nothing holds on to that one (else the array copies itself first):
        // no allocation per datagram once the connection decrypts. A datagram that starts with a short header is one 1-RTT packet (a
        // short header has no length: nothing follows it), most datagrams by far: only its head is
        // copied and its payload is decrypted from the capture's bytes straight into the copy. Other
        // datagrams are copied whole (one memcpy) and decrypted in place.
        var datagram = scratch
        scratch = []
        var tail: QUICUncopiedTail?
        if source.count > Self.copiedHead, source[0] & 0xC0 == 0x40 {
            if datagram.count > source.count {
                datagram.removeLast(datagram.count &- source.count)
            } else if datagram.count < source.count {
                datagram.append(contentsOf: UnsafeRawBufferPointer(rebasing: source[datagram.count...]))
            }
            datagram.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<Self.copiedHead])) }
            tail = QUICUncopiedTail(source: source, start: Self.copiedHead)
        } else {
            datagram.removeAll(keepingCapacity: true)
            datagram.append(contentsOf: source)
        }
        defer {
            // Whatever was not decrypted is copied before the datagram is let go.
            tail?.copy(into: &datagram)
            // Kept only by a connection whose 1-RTT packets decrypt (its secrets are in the key log): a
            // flood of handshakes that go nowhere keeps no buffer per connection.
            if summary.decrypted, datagram.capacity <= Self.maxScratchCapacity { scratch = datagram }
        }
        var start = 0
        while start < datagram.count {
            // Zero bytes after a coalesced packet are padding of the datagram.
            if datagram[start] == 0 { break }
            let cidLength = shortHeaderCIDLength(in: datagram, at: start, going: direction)
            let header: QUICPacketHeader
            switch QUICPacketHeader.parse(datagram, at: start, shortHeaderCIDLength: cidLength) {
            case .failure(let error):
                summary.packets &+= 1
                summary.undecryptedPackets &+= 1
                reportOnce("QUIC packet unreadable: \(error)", isError: true, emit: emit)
                return
            case .success(let parsed): header = parsed
            }
            summary.packets &+= 1
            read(header, in: &datagram, tail: &tail, at: start, from: direction, time: time, emit: emit)
            guard header.end > start else { return }
            start = header.end
        }
    }

    /// Ends the connection: stream data waiting behind holes is delivered, each hole as a gap.
    public mutating func finish(at time: Timestamp, emit: (QUICEvent) -> Void) {
        for key in streams.keys.sorted(by: { ($0.id, $0.direction.rawValue) < ($1.id, $1.direction.rawValue) }) {
            guard var assembler = streams[key] else { continue }
            Self.deliver(assembler.finish(), key: key, time: time, emit: emit)
            streams[key] = assembler
        }
        bufferedStreamBytes = 0
        hold(-heldInBudget)
        if summary.undecryptedPackets > 0, summary.decrypted {
            emit(.diagnostic("\(summary.undecryptedPackets) of \(summary.packets) QUIC packets could not be decrypted", isError: false))
        }
    }

    /// Reads one packet whose header was parsed.
    private mutating func read(
        _ header: QUICPacketHeader, in datagram: inout [UInt8], tail: inout QUICUncopiedTail?, at start: Int, from direction: Direction, time: Timestamp,
        emit: (QUICEvent) -> Void
    ) {
        switch header.form {
        case .versionNegotiation:
            reportOnce("version negotiation: the server supports none of the client's versions", isError: false, emit: emit)
        case .unknownVersion(let version):
            summary.version = version
            summary.undecryptedPackets &+= 1
            summary.notDecryptedReason = "\(version) is not supported by hark"
        case .long(.retry, _):
            // RFC 9000 §17.2.5: the client starts again with the server's new connection ID.
            initialKeys = nil
        case .long(let type, let version):
            if direction == .serverToClient || summary.version == nil { summary.version = version }
            // Packets to the sender will carry its source connection ID.
            if let scid = header.sourceConnectionID { noteConnectionID(Array(datagram[scid]), addressing: direction.reversed) }
            switch type {
            case .initial:
                if initialKeys == nil, direction == .clientToServer {
                    initialKeys = QUICInitialSecrets.keys(destinationConnectionID: datagram[header.destinationConnectionID], version: version)
                }
                let keys = direction == .clientToServer ? initialKeys?.client : initialKeys?.server
                open(header, in: &datagram, at: start, space: .initial, keys: keys, from: direction, time: time, emit: emit)
            case .handshake:
                lookUpSecretsIfNeeded(emit: emit)
                open(header, in: &datagram, at: start, space: .handshake, keys: handshakeKeys[direction.index], from: direction, time: time, emit: emit)
            case .zeroRTT:
                openZeroRTT(header, in: &datagram, at: start, from: direction, time: time, emit: emit)
            case .retry:
                summary.undecryptedPackets &+= 1
            }
        case .short:
            lookUpSecretsIfNeeded(emit: emit)
            openShort(header, in: &datagram, tail: &tail, at: start, from: direction, time: time, emit: emit)
        }
    }

    /// Decrypts a long-header packet and handles its frames.
    private mutating func open(
        _ header: QUICPacketHeader, in datagram: inout [UInt8], at start: Int, space: Space, keys: QUICPacketKeys?, from direction: Direction,
        time: Timestamp, emit: (QUICEvent) -> Void
    ) {
        guard let keys else {
            summary.undecryptedPackets &+= 1
            return
        }
        switch QUICPacketOpener.open(&datagram, header: header, start: start, keys: keys, largestReceived: largest[space.rawValue][direction.index]) {
        case .failure:
            summary.undecryptedPackets &+= 1
            reportOnce("a QUIC \(space) packet did not decrypt", isError: false, emit: emit)
        case .success(let opened):
            noteReceived(opened.packetNumber, space: space, direction: direction)
            handleFrames(of: opened.payload, space: space, from: direction, time: time, emit: emit)
        }
    }

    /// Decrypts a 1-RTT packet with the keys its Key Phase bit and packet number call for: following a
    /// key update, or the previous phase's keys for a packet sent before the update that arrives late.
    private mutating func openShort(
        _ header: QUICPacketHeader, in datagram: inout [UInt8], tail: inout QUICUncopiedTail?, at start: Int, from direction: Direction, time: Timestamp,
        emit: (QUICEvent) -> Void
    ) {
        guard let phases = applicationKeys[direction.index] else {
            summary.undecryptedPackets &+= 1
            return
        }
        let largestReceived = largest[Space.application.rawValue][direction.index]
        // The header and the sample must be in the copy (a connection ID longer than QUIC v1 allows).
        if let uncopied = tail, header.packetNumberOffset &+ 20 > uncopied.start { tail?.copy(into: &datagram) }
        let current = phases.current
        // Header protection keys do not change with key updates (RFC 9001 §6.1).
        guard case .success(let (firstByte, number, length)) = QUICPacketOpener.unprotect(
            datagram, header: header, start: start, keys: current, largestReceived: largestReceived)
        else {
            summary.undecryptedPackets &+= 1
            return
        }
        let choice = phases.choose(bit: firstByte & 0x04 != 0, packetNumber: number)
        let keys = choice == .current ? current : phases.keys(choice)
        switch QUICPacketOpener.open(
            &datagram, header: header, start: start, keys: keys, firstByte: firstByte, packetNumber: number, numberLength: length, tail: &tail)
        {
        case .failure:
            summary.undecryptedPackets &+= 1
            reportOnce("a QUIC 1-RTT packet did not decrypt with the key log's secrets", isError: false, emit: emit)
        case .success(let opened):
            if phases.opened(choice, packetNumber: number) { summary.keyUpdates &+= 1 }
            if !summary.decrypted {
                summary.decrypted = true
                summary.notDecryptedReason = nil
                emit(.handshakeUpdated)
            }
            noteReceived(opened.packetNumber, space: .application, direction: direction)
            handleFrames(of: opened.payload, space: .application, from: direction, time: time, emit: emit)
        }
    }

    mutating func noteReceived(_ number: UInt64, space: Space, direction: Direction) {
        let previous = largest[space.rawValue][direction.index]
        if previous.map({ number > $0 }) ?? true { largest[space.rawValue][direction.index] = number }
    }

    /// Remembers a connection ID that packets going `direction` carry as their destination.
    mutating func noteConnectionID(_ id: [UInt8], addressing direction: Direction) {
        let side = direction.index
        guard !id.isEmpty, !connectionIDs[side].contains(id), connectionIDs[side].count < 64 else { return }
        connectionIDs[side].append(id)
        summary.connectionIDs &+= 1
    }

    /// The Destination Connection ID length of a short header going `direction`: a known ID that the
    /// bytes start with, else the first one known.
    private func shortHeaderCIDLength(in datagram: [UInt8], at start: Int, going direction: Direction) -> Int {
        let candidates = connectionIDs[direction.index]
        for id in candidates where datagram.count >= start &+ 1 &+ id.count {
            if datagram[(start &+ 1)..<(start &+ 1 &+ id.count)].elementsEqual(id) { return id.count }
        }
        return candidates.first?.count ?? 0
    }

    /// Reports a problem the first time it happens on the connection.
    mutating func reportOnce(_ text: String, isError: Bool, emit: (QUICEvent) -> Void) {
        guard reported.count < 32, reported.insert(text).inserted else { return }
        emit(.diagnostic(text, isError: isError))
    }
}

/// One direction of one stream.
struct StreamKey: Hashable {
    var id: UInt64
    var direction: Direction
}

extension Direction {
    /// 0 for client to server, 1 for server to client.
    var index: Int { self == .clientToServer ? 0 : 1 }
}
