import HarkCore
import NIOCore

extension TLSAnalyzer {
    /// Reads the handshake messages completed by the content just given to a direction's assembler.
    mutating func readHandshake(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        while true {
            switch directions[direction.index].handshake.next() {
            case .needMore:
                return
            case .tooLarge(let type, let length):
                report(
                    .handshakeMessageTooLarge(length: length), direction,
                    offset: directions[direction.index].recordOffset,
                    record: directions[direction.index].recordCount, time: time, emit)
                if type == .clientHello || type == .serverHello, session.decryption == .pending {
                    session.decryption = .failed(.malformedHandshake)
                }
            case .message(let type, let body):
                handleMessage(type, body, direction, time, emit)
            }
        }
    }

    private mutating func handleMessage(
        _ type: HandshakeType, _ body: ByteBuffer?, _ direction: Direction, _ time: Timestamp,
        _ emit: (TLSEvent) -> Void
    ) {
        switch (type, direction) {
        case (.clientHello, .clientToServer):
            guard let hello = body.flatMap(ClientHello.init(body:)) else { return malformed(direction, time, emit) }
            clientHelloReceived(hello, time)
        case (.serverHello, .serverToClient):
            guard let hello = body.flatMap(ServerHello.init(body:)) else { return malformed(direction, time, emit) }
            serverHelloReceived(hello, time, emit)
        case (.encryptedExtensions, .serverToClient):
            guard let extensions = body.flatMap(EncryptedExtensions.init(body:)) else {
                return malformed(direction, time, emit)
            }
            session.alpn = extensions.alpn
        case (.serverHelloDone, .serverToClient):
            serverHelloDoneSeen = true
        case (.finished, _):
            finished(direction, time, emit)
        case (.keyUpdate, _):
            keyUpdate(direction)
        default:
            break
        }
    }

    private mutating func clientHelloReceived(_ hello: ClientHello, _ time: Timestamp) {
        if clientHello == nil {
            session.clientRandom = hello.random
            session.serverName = hello.serverName
            session.offeredALPN = hello.alpn
            session.clientHelloTime = time
        }
        // A second ClientHello (after a HelloRetryRequest) keeps the random; a TLS 1.2 renegotiation's
        // brings the random that names its new keys.
        clientHello = hello
    }

    private mutating func serverHelloReceived(_ hello: ServerHello, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        session.cipherSuite = hello.cipherSuite
        session.version = hello.version
        if hello.isHelloRetryRequest {
            session.helloRetry = true
            return
        }
        serverRandom = hello.random
        parameters = hello.cipherSuite.parameters
        keysResolved = false
        pendingTLS12 = nil
        serverHelloDoneSeen = false
        session.extendedMasterSecret = (clientHello?.extendedMasterSecret ?? false) && hello.extendedMasterSecret
        // RFC 7366 §3: encrypt-then-MAC applies to CBC suites only, when both hellos carry it.
        session.encryptThenMAC =
            (clientHello?.encryptThenMAC ?? false) && hello.encryptThenMAC && parameters?.bulk == .aesCBC
        if hello.version == .tls13 {
            session.resumed = hello.acceptsPreSharedKey
            resolveTLS13Keys(time, emit)
        } else {
            session.alpn = hello.alpn
            if hello.sessionID.readableBytes > 0, hello.sessionID == clientHello?.sessionID {
                session.resumed = true
            }
        }
    }

    /// TLS 1.3: from the ServerHello on, both directions are protected with the handshake secrets; each
    /// switches to its first application secret after its Finished (RFC 8446 §7.3).
    private mutating func resolveTLS13Keys(_ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        keysResolved = true
        setProtection(.opaque)
        guard let clientHello else {
            return unavailable(.failed(.handshakeNotSeen), .handshakeNotSeen, time, emit)
        }
        guard let parameters, parameters.isTLS13 else {
            let suite = session.cipherSuite ?? TLSCipherSuite(rawValue: 0)
            return unavailable(.unsupportedCipher(suite), .unsupportedCipher(suite), time, emit)
        }
        guard let secrets = keyLog.secrets(clientRandom: clientHello.random),
            let clientSecret = secrets.clientHandshakeTrafficSecret,
            let serverSecret = secrets.serverHandshakeTrafficSecret
        else {
            return unavailable(.noKeys, .noKeys(clientRandom: clientHello.random), time, emit)
        }
        directions[Direction.clientToServer.index].protection = .decrypting(
            RecordDecryptor(tls13: parameters, secret: clientSecret))
        directions[Direction.serverToClient.index].protection = .decrypting(
            RecordDecryptor(tls13: parameters, secret: serverSecret))
        if clientHello.offersEarlyData, let earlySecret = secrets.clientEarlyTrafficSecret {
            earlyDataDecryptor = RecordDecryptor(tls13: parameters, secret: earlySecret)
        }
        directions[Direction.clientToServer.index].trafficSecret = secrets.clientTrafficSecret0
        directions[Direction.serverToClient.index].trafficSecret = secrets.serverTrafficSecret0
    }

    /// TLS 1.0–1.2, at the first ChangeCipherSpec: the key block from the logged master secret.
    mutating func resolveTLS12Keys(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        guard !keysResolved else { return }
        keysResolved = true
        guard let clientHello, let serverRandom, let version = session.version, let suite = session.cipherSuite else {
            return unavailable(.failed(.handshakeNotSeen), .handshakeNotSeen, time, emit, direction)
        }
        guard version >= .tls10, version <= .tls12 else {
            return unavailable(.unsupportedVersion(version), .unsupportedVersion(version), time, emit, direction)
        }
        // AEAD suites exist only from TLS 1.2 on (RFC 5246 §6.2.3.3).
        guard let parameters, !parameters.isTLS13, version == .tls12 || parameters.bulk == .aesCBC else {
            return unavailable(.unsupportedCipher(suite), .unsupportedCipher(suite), time, emit, direction)
        }
        guard let masterSecret = keyLog.secrets(clientRandom: clientHello.random)?.masterSecret else {
            return unavailable(.noKeys, .noKeys(clientRandom: clientHello.random), time, emit, direction)
        }
        let keys = TLSPRF.keyBlock(
            parameters, version: version, masterSecret: masterSecret, clientRandom: clientHello.random,
            serverRandom: serverRandom)
        pendingTLS12 = (
            RecordDecryptor(
                tls12: parameters, keys: keys.client, version: version, encryptThenMAC: session.encryptThenMAC),
            RecordDecryptor(
                tls12: parameters, keys: keys.server, version: version, encryptThenMAC: session.encryptThenMAC)
        )
    }

    /// Records why the session is not decrypted, reporting it once (a missing key only when the key log
    /// has any keys at all, so that a run without a key log stays quiet).
    private mutating func unavailable(
        _ status: TLSDecryptionStatus, _ kind: TLSDiagnostic.Kind, _ time: Timestamp, _ emit: (TLSEvent) -> Void,
        _ direction: Direction = .serverToClient
    ) {
        session.decryption = status
        switch kind {
        case .noKeys:
            guard !keyLog.isEmpty, !reportedNoKeys else { return }
            reportedNoKeys = true
        case .handshakeNotSeen:
            guard !reportedHandshakeNotSeen else { return }
            reportedHandshakeNotSeen = true
        default:
            break
        }
        report(kind, direction, offset: directions[direction.index].recordOffset, time: time, emit)
    }

    private mutating func finished(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        directions[direction.index].finishedSeen = true
        if session.version == .tls13, case .decrypting = directions[direction.index].protection {
            if let secret = directions[direction.index].trafficSecret, let parameters {
                directions[direction.index].protection = .decrypting(RecordDecryptor(tls13: parameters, secret: secret))
            } else {
                // The handshake secrets were logged but not this direction's application secret.
                directions[direction.index].protection = .opaque
                if let random = clientHello?.random {
                    unavailable(.noKeys, .noKeys(clientRandom: random), time, emit, direction)
                }
            }
        }
        // TLS 1.3: the client's Finished follows the server's, which may not have been readable.
        if session.version == .tls13, direction == .clientToServer {
            directions[Direction.serverToClient.index].finishedSeen = true
        }
        if directions.allSatisfy(\.finishedSeen) {
            completeHandshake(time, emit)
        }
    }

    /// TLS 1.3 KeyUpdate: the sender's next records use the next traffic secret (RFC 8446 §4.6.3).
    private mutating func keyUpdate(_ direction: Direction) {
        guard session.version == .tls13, directions[direction.index].finishedSeen, let parameters,
            let secret = directions[direction.index].trafficSecret,
            case .decrypting = directions[direction.index].protection
        else { return }
        let next = TLS13KeySchedule.nextTrafficSecret(parameters.hash, after: secret)
        directions[direction.index].trafficSecret = next
        directions[direction.index].protection = .decrypting(RecordDecryptor(tls13: parameters, secret: next))
    }

    /// Emits `.handshakeCompleted` once.
    mutating func completeHandshake(_ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        guard !handshakeCompleted else { return }
        handshakeCompleted = true
        session.handshakeCompletedTime = time
        emit(.handshakeCompleted(session))
    }

    private mutating func malformed(_ direction: Direction, _ time: Timestamp, _ emit: (TLSEvent) -> Void) {
        report(
            .malformedHandshake, direction, offset: directions[direction.index].recordOffset,
            record: directions[direction.index].recordCount, time: time,
            emit)
        if session.decryption == .pending {
            session.decryption = .failed(.malformedHandshake)
        }
    }
}
