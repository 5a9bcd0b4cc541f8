import HarkCore
import NIOCore

extension TLSAnalyzer {
    /// Dispatches one framed record by its direction's protection.
    mutating func handle(_ record: TLSRecord, _ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        directions[direction.index].recordOffset = record.offset
        if record.type == .changeCipherSpec {
            changeCipherSpec(direction, time, emit)
            return
        }
        // A 2-byte alert cannot be protected (every protection adds a tag or MAC): an endpoint that
        // failed before using its keys sent it in the clear.
        if record.type == .alert, record.fragment.readableBytes == 2 {
            handleContent(.alert, record.fragment, direction, time, emit)
            return
        }
        switch directions[direction.index].protection {
        case .plaintext:
            handlePlaintext(record, direction, time, emit)
        case .opaque:
            handleOpaque(record, direction, time, emit)
        case .decrypting(var decryptor):
            guard let (type, content) = decryptor.open(record, into: &scratch) else {
                if !earlyData(record, direction, time, emit) {
                    authenticationFailed(record, direction, time, emit)
                }
                return
            }
            directions[direction.index].protection = .decrypting(decryptor)
            if session.decryption == .pending {
                session.decryption = .decrypted
            }
            handleContent(type, content, direction, time, emit)
        }
    }

    /// A record in the clear: handshake and alerts before encryption starts.
    private mutating func handlePlaintext(
        _ record: TLSRecord, _ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void
    ) {
        guard record.type == .applicationData else {
            handleContent(record.type, record.fragment, direction, time, emit)
            return
        }
        // Protected data before any key change. After a ClientHello but before the ServerHello it is
        // TLS 1.3 0-RTT data, whose suite is not known yet; without a ClientHello the handshake is not in
        // the capture. Either way it cannot be decrypted.
        if clientHello != nil, serverRandom == nil {
            directions[direction.index].pendingGap += record.fragment.readableBytes
            return
        }
        if clientHello == nil {
            if !reportedHandshakeNotSeen {
                reportedHandshakeNotSeen = true
                report(
                    .handshakeNotSeen, direction, offset: record.offset,
                    record: directions[direction.index].recordCount, time: time, emit)
            }
            if session.decryption == .pending {
                session.decryption = .failed(.handshakeNotSeen)
            }
            setProtection(.opaque)
        }
        handleOpaque(record, direction, time, emit)
    }

    /// Plaintext content of a record (decrypted, or sent in the clear) by its content type.
    private mutating func handleContent(
        _ type: ContentType, _ content: ByteBuffer, _ direction: Direction, _ time: Timestamp,
        _ emit: (TLSEvent) -> Void
    ) {
        switch type {
        case .applicationData:
            guard content.readableBytes > 0 else { return }
            flushGap(direction, time, emit)
            emit(.plaintext(direction, content, time))
        case .handshake:
            directions[direction.index].handshake.begin(content)
            readHandshake(direction, time, emit)
        case .alert:
            var content = content
            while let level = content.readInteger(as: UInt8.self), let description = content.readInteger(as: UInt8.self)
            {
                let alert = Alert(level: level, description: description)
                if alert.isCloseNotify {
                    flushGap(direction, time, emit)
                    close(direction, time, emit)
                } else {
                    report(
                        .alert(level: level, description: description), direction,
                        offset: directions[direction.index].recordOffset,
                        record: directions[direction.index].recordCount, time: time, emit)
                }
            }
        default:
            break
        }
    }

    /// A protected record that cannot be decrypted: it is counted, and the handshake's end is inferred
    /// from record types (TLS 1.2 sends its encrypted Finished as a handshake record after the
    /// ChangeCipherSpec; a TLS 1.3 client's first protected record is its Finished).
    mutating func handleOpaque(
        _ record: TLSRecord, _ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void
    ) {
        let length = record.fragment.readableBytes
        if session.version == .tls13 {
            if !handshakeCompleted {
                if direction == .clientToServer {
                    for index in directions.indices {
                        directions[index].finishedSeen = true
                    }
                    completeHandshake(time, emit)
                }
                return
            }
            directions[direction.index].pendingGap += plaintextEstimate(length)
            return
        }
        switch record.type {
        case .handshake
        where directions[direction.index].changeCipherSpecSeen && !directions[direction.index].finishedSeen:
            directions[direction.index].finishedSeen = true
            if directions.allSatisfy(\.finishedSeen) {
                completeHandshake(time, emit)
            }
        case .applicationData:
            completeHandshake(time, emit)
            directions[direction.index].pendingGap += plaintextEstimate(length)
        default:
            break
        }
    }

    /// ChangeCipherSpec: in TLS 1.0–1.2 the sender's next records use the new keys; in TLS 1.3 it is a
    /// compatibility no-op (RFC 8446 §D.4).
    private mutating func changeCipherSpec(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        guard session.version != .tls13 else { return }
        // A TLS 1.3 client in compatibility mode sends its ChangeCipherSpec before the ServerHello when
        // it sends 0-RTT data (RFC 8446 §D.4).
        if direction == .clientToServer, clientHello != nil, serverRandom == nil { return }
        if direction == .serverToClient, !serverHelloDoneSeen, serverRandom != nil {
            // RFC 5246 §7.3: only an abbreviated (resumed) handshake has the server change ciphers
            // before ServerHelloDone.
            session.resumed = true
        }
        resolveTLS12Keys(direction, time, emit)
        directions[direction.index].changeCipherSpecSeen = true
        directions[direction.index].handshake.reset()
        if let pending = pendingTLS12 {
            directions[direction.index].protection = .decrypting(
                direction == .clientToServer ? pending.client : pending.server)
        } else {
            directions[direction.index].protection = .opaque
        }
    }

    /// TLS 1.3 0-RTT data (RFC 8446 §4.2.10): until its Finished, a client that offered early data may
    /// send records under the early traffic secret, which a server that rejected them skips. They are
    /// decrypted when that secret is logged, otherwise counted; either way they are no failure.
    ///
    /// - Returns: whether `record` was taken as early data.
    private mutating func earlyData(
        _ record: TLSRecord, _ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void
    ) -> Bool {
        guard direction == .clientToServer, session.version == .tls13, !directions[direction.index].finishedSeen,
            clientHello?.offersEarlyData == true
        else { return false }
        if var decryptor = earlyDataDecryptor, let (type, content) = decryptor.open(record, into: &scratch) {
            earlyDataDecryptor = decryptor
            if type == .applicationData {
                handleContent(type, content, direction, time, emit)
            }
        } else {
            directions[direction.index].pendingGap += plaintextEstimate(record.fragment.readableBytes)
        }
        return true
    }

    /// A record failed authentication: one diagnostic per connection, and the direction is no longer
    /// decrypted.
    private mutating func authenticationFailed(
        _ record: TLSRecord, _ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void
    ) {
        directions[direction.index].protection = .opaque
        if !reportedAuthenticationFailure {
            reportedAuthenticationFailure = true
            report(
                .authenticationFailed, direction, offset: record.offset,
                record: directions[direction.index].recordCount, time: time, emit)
        }
        if case .failed = session.decryption {
        } else {
            session.decryption = .failed(.authenticationFailed(direction))
        }
        handleOpaque(record, direction, time, emit)
    }

    /// A record lost to a capture gap: counts it against the sequence number and reports its estimated
    /// plaintext when it carried (or may have carried) application data.
    mutating func lostRecord(type: ContentType, length: Int, _ direction: Direction) {
        switch directions[direction.index].protection {
        case .decrypting(var decryptor):
            decryptor.skipRecord()
            directions[direction.index].protection = .decrypting(decryptor)
        case .plaintext, .opaque:
            break
        }
        if type == .handshake {
            directions[direction.index].handshake.reset()
        }
        if type == .applicationData, handshakeCompleted || session.version != .tls13 {
            directions[direction.index].pendingGap += plaintextEstimate(length)
        }
    }

    /// Sets both directions' protection.
    mutating func setProtection(_ protection: DirectionState.Protection) {
        for index in directions.indices {
            directions[index].protection = protection
        }
    }

    /// Stops framing a direction: its later bytes are only counted.
    mutating func loseFraming(_ direction: Direction) {
        directions[direction.index].framingLost = true
        directions[direction.index].handshake.reset()
        if session.decryption == .pending {
            session.decryption = .failed(.framingLost(direction))
        }
    }

    /// Counts raw bytes of a direction whose framing is lost.
    mutating func countLost(_ count: Int, in direction: Direction) {
        directions[direction.index].pendingGap += count
    }

    /// Reports the plaintext lost so far in a direction, before anything that follows it.
    mutating func flushGap(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        guard directions[direction.index].pendingGap > 0 else { return }
        emit(.plaintextGap(direction, directions[direction.index].pendingGap, time))
        directions[direction.index].pendingGap = 0
    }

    /// Reports the end of a direction once.
    mutating func close(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        guard !directions[direction.index].closed else { return }
        directions[direction.index].closed = true
        emit(.closed(direction, time))
    }

    /// Emits a diagnostic.
    func report(
        _ kind: TLSDiagnostic.Kind, _ direction: Direction, offset: Int64, record: Int? = nil, time: Timestamp,
        _ emit: (TLSEvent) -> Void
    ) {
        emit(
            .diagnostic(
                TLSDiagnostic(kind, direction: direction, streamOffset: offset, recordNumber: record, time: time)))
    }

    /// The plaintext a protected fragment of `length` bytes most likely carried: its length less the
    /// suite's per-record overhead (explicit nonce or IV, tag or MAC, minimal padding, TLS 1.3 type byte).
    func plaintextEstimate(_ length: Int) -> Int {
        guard let parameters else { return length }
        let overhead: Int
        if parameters.isTLS13 {
            overhead = 17
        } else {
            switch parameters.bulk {
            case .aesGCM: overhead = 24
            case .chaCha20Poly1305: overhead = 16
            case .aesCBC:
                let explicitIV = (session.version ?? .tls12) <= .tls10 ? 0 : 16
                overhead = explicitIV + (parameters.mac?.byteCount ?? 0) + 1
            }
        }
        return max(0, length - overhead)
    }
}
