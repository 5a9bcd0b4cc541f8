public import HarkCore
public import NIOCore

/// Follows the TLS session of one TCP connection and, given its secrets in a `TLSKeyLog`, decrypts its
/// records to the application bytes inside.
///
/// Feed it the reassembled bytes of both directions in capture order, with the gaps and ends reassembly
/// reports; it emits `TLSEvent`s through `emit` as it learns them. It reads the hellos (SNI, ALPN,
/// version, suite), follows key changes (ChangeCipherSpec, TLS 1.3 handshake → application secrets,
/// KeyUpdate), and turns application_data records into `.plaintext`. Without keys, or once decryption
/// fails, it still frames records and reports their estimated plaintext as `.plaintextGap`.
///
/// Bad input never traps: bytes that are not TLS, oversized records, lying lengths and capture gaps
/// become `.diagnostic` events, and memory stays within `TLSLimits`.
///
/// ### Example
/// ```swift
/// var analyzer = TLSAnalyzer(keyLog: keyLog)
/// analyzer.receive(segment, from: .clientToServer, at: time) { event in
///     if case .plaintext(let direction, let bytes, _) = event { http.receive(bytes, from: direction, …) }
/// }
/// ```
public struct TLSAnalyzer {
    let keyLog: TLSKeyLog

    /// What is known about the session so far.
    public internal(set) var session = TLSSessionInfo()

    /// Per-direction record layers, indexed by `Direction.index`.
    var directions: [DirectionState]
    /// Plaintext of the record being decrypted; handed out as slices, reused when not retained.
    var scratch = ByteBuffer()

    /// The parsed ClientHello, once seen.
    var clientHello: ClientHello?
    var serverRandom: TLSRandom?
    /// The decryption parameters of the negotiated suite.
    var parameters: CipherSuiteParameters?
    /// TLS 1.2: decryptors made from the key block, installed at each direction's ChangeCipherSpec.
    var pendingTLS12: (client: RecordDecryptor, server: RecordDecryptor)?
    /// TLS 1.3: the client's 0-RTT protection, when it offered early data and the secret is logged.
    var earlyDataDecryptor: RecordDecryptor?
    /// Whether keys were looked for since the last ServerHello.
    var keysResolved = false
    /// TLS 1.2: whether the server sent ServerHelloDone (a full handshake) before its ChangeCipherSpec.
    var serverHelloDoneSeen = false
    var handshakeCompleted = false
    var reportedNoKeys = false
    var reportedAuthenticationFailure = false
    var reportedHandshakeNotSeen = false

    /// An analyzer for one connection.
    ///
    /// - Parameters:
    ///   - keyLog: where secrets are looked up, when the handshake first needs them.
    ///   - limits: memory bounds; nonsensical values are raised to workable ones.
    public init(keyLog: TLSKeyLog, limits: TLSLimits = TLSLimits()) {
        self.keyLog = keyLog
        let limits = limits.clamped
        directions = [DirectionState(limits: limits), DirectionState(limits: limits)]
    }

    /// In-order bytes of one direction. `bytes` may share capture storage; the analyzer copies only an
    /// incomplete record.
    public mutating func receive(
        _ bytes: ByteBuffer, from direction: Direction, at time: Timestamp, emit: (TLSEvent) -> Void
    ) {
        var bytes = bytes
        if directions[direction.index].discard > 0 {
            let skipped = min(directions[direction.index].discard, bytes.readableBytes)
            bytes.moveReaderIndex(forwardBy: skipped)
            directions[direction.index].discard -= skipped
        }
        if directions[direction.index].framingLost {
            countLost(bytes.readableBytes, in: direction)
            flushGap(direction, time, emit)
            return
        }
        directions[direction.index].framer.begin(bytes)
        framing: while true {
            switch directions[direction.index].framer.next() {
            case .needMore:
                break framing
            case .record(let record):
                directions[direction.index].recordCount += 1
                handle(record, direction, time, emit)
            case .sslv2ClientHello(let offset):
                report(.sslv2ClientHello, direction, offset: offset, time: time, emit)
            case .malformed(let kind, let offset):
                report(
                    kind, direction, offset: offset, record: directions[direction.index].recordCount + 1, time: time,
                    emit)
                loseFraming(direction)
                countLost(directions[direction.index].framer.abandon(), in: direction)
                break framing
            }
        }
        if !directions[direction.index].framingLost {
            directions[direction.index].framer.end()
        }
        flushGap(direction, time, emit)
    }

    /// `length` bytes of one direction were never captured.
    ///
    /// A gap that ends inside the record it began in costs that record (its estimated plaintext is
    /// reported) and framing goes on; any other gap ends framing in that direction.
    public mutating func gap(_ length: Int, in direction: Direction, at time: Timestamp, emit: (TLSEvent) -> Void) {
        guard length > 0 else { return }
        let offset = directions[direction.index].framer.offset
        if !directions[direction.index].framingLost, directions[direction.index].discard >= length {
            directions[direction.index].discard -= length
        } else if !directions[direction.index].framingLost, directions[direction.index].discard == 0,
            let type = directions[direction.index].framer.carriedRecordType,
            let recordLength = directions[direction.index].framer.carriedRecordLength,
            let rest = directions[direction.index].framer.dropCarriedRecord(gap: length)
        {
            directions[direction.index].recordCount += 1
            directions[direction.index].discard = rest
            report(
                .gapInRecord, direction, offset: offset, record: directions[direction.index].recordCount, time: time,
                emit)
            lostRecord(type: type, length: recordLength, direction)
        } else {
            if !directions[direction.index].framingLost {
                report(.gapLostFraming, direction, offset: offset, time: time, emit)
                loseFraming(direction)
                countLost(directions[direction.index].framer.abandon(), in: direction)
            }
            countLost(length, in: direction)
        }
        flushGap(direction, time, emit)
    }

    /// One direction ended (FIN, RST, idle timeout or end of capture).
    public mutating func finish(_ direction: Direction, at time: Timestamp, emit: (TLSEvent) -> Void) {
        if !directions[direction.index].framingLost, directions[direction.index].framer.carriedBytes > 0 {
            report(
                .truncatedRecord, direction, offset: directions[direction.index].framer.offset,
                record: directions[direction.index].recordCount + 1, time: time, emit)
        }
        flushGap(direction, time, emit)
        close(direction, time, emit)
    }
}

extension Direction {
    /// The position of this direction's state in `TLSAnalyzer.directions`.
    var index: Int { Int(rawValue) }
}

/// One direction's record layer: framing, handshake reassembly and the current protection.
struct DirectionState {
    /// How this direction's records are protected, as far as the analyzer can follow.
    enum Protection {
        /// Not (yet) encrypted.
        case plaintext
        /// Encrypted and being decrypted.
        case decrypting(RecordDecryptor)
        /// Encrypted and not decryptable (no keys, unsupported, failed): records are only counted.
        case opaque
    }

    var framer: RecordFramer
    var handshake: HandshakeAssembler
    var protection = Protection.plaintext
    /// TLS 1.3: the traffic secret in use after the handshake, for KeyUpdate; before it, the first
    /// application secret waiting for this direction's Finished.
    var trafficSecret: [UInt8]?
    /// Records framed so far.
    var recordCount = 0
    /// Stream offset of the record being handled.
    var recordOffset: Int64 = 0
    /// Bytes still to skip of a record damaged by a capture gap.
    var discard = 0
    /// Estimated plaintext bytes lost and not yet reported.
    var pendingGap = 0
    var framingLost = false
    var changeCipherSpecSeen = false
    var finishedSeen = false
    var closed = false

    init(limits: TLSLimits) {
        framer = RecordFramer(maxRecordLength: limits.maxRecordLength)
        handshake = HandshakeAssembler(maxLength: limits.maxHandshakeMessageLength)
    }
}
