import HarkCore
import HarkTLS
import NIOCore

extension QUICConnectionAnalyzer {
    /// Reads the TLS handshake messages in in-order CRYPTO data: the ClientHello's random, server name
    /// and offered protocols, the ServerHello's suite, EncryptedExtensions' chosen protocol.
    mutating func readHandshake(_ bytes: ArraySlice<UInt8>, from direction: Direction, at time: Timestamp, emit: (QUICEvent) -> Void) {
        var assembler = handshake[direction.index]
        defer { handshake[direction.index] = assembler }
        assembler.begin(ByteBuffer(bytes: bytes))
        while true {
            switch assembler.next() {
            case .needMore: return
            case .tooLarge(let type, let length):
                reportOnce("TLS handshake message type \(type.rawValue) of \(length) bytes is too long to read", isError: false, emit: emit)
            case .message(let type, let body):
                guard let body else { continue }
                switch type {
                case .clientHello:
                    guard let hello = ClientHello(body: body) else {
                        reportOnce("malformed ClientHello in QUIC CRYPTO frames", isError: true, emit: emit)
                        continue
                    }
                    summary.clientRandom = hello.random
                    summary.serverName = hello.serverName
                    summary.offeredALPN = hello.alpn
                    offeredCipherSuites = hello.cipherSuites
                    if !summary.decrypted { summary.notDecryptedReason = "the server's Initial packet (ServerHello) was not captured" }
                    emit(.handshakeUpdated)
                case .serverHello:
                    guard let hello = ServerHello(body: body) else {
                        reportOnce("malformed ServerHello in QUIC CRYPTO frames", isError: true, emit: emit)
                        continue
                    }
                    summary.cipherSuite = hello.cipherSuite
                    lookUpSecretsIfNeeded(emit: emit)
                    emit(.handshakeUpdated)
                case .encryptedExtensions:
                    if let extensions = EncryptedExtensions(body: body) {
                        summary.alpn = extensions.alpn
                        emit(.handshakeUpdated)
                    }
                default:
                    break
                }
            }
        }
    }

    /// Finds the Handshake and 1-RTT keys in the key log once the client random and the suite are
    /// known, or says why they are missing. Looks again only when the key log grew.
    mutating func lookUpSecretsIfNeeded(emit: (QUICEvent) -> Void) {
        guard applicationKeys[0] == nil || applicationKeys[1] == nil || handshakeKeys[0] == nil || handshakeKeys[1] == nil,
            let random = summary.clientRandom, let suite = summary.cipherSuite, let version = summary.version,
            keyLogCountAtLookup != keyLog.count
        else { return }
        keyLogCountAtLookup = keyLog.count
        guard let secrets = keyLog.secrets(clientRandom: random) else {
            summary.notDecryptedReason =
                keyLog.isEmpty
                ? "no key log (give one with --keylog)" : "no key log entry for client random \(random)"
            return
        }
        func keys(_ secret: [UInt8]?) -> QUICPacketKeys? {
            secret.flatMap { QUICPacketKeys(secret: $0, suite: suite, version: version) }
        }
        guard suite.parameters != nil else {
            summary.notDecryptedReason = "cipher suite \(suite) is not supported"
            return
        }
        handshakeKeys = [keys(secrets.clientHandshakeTrafficSecret), keys(secrets.serverHandshakeTrafficSecret)]
        let client = keys(secrets.clientTrafficSecret0)
        let server = keys(secrets.serverTrafficSecret0)
        applicationKeys = [client.map(QUICKeyPhases.init), server.map(QUICKeyPhases.init)]
        if client == nil || server == nil {
            summary.notDecryptedReason = "the key log lacks CLIENT_TRAFFIC_SECRET_0 or SERVER_TRAFFIC_SECRET_0 for client random \(random)"
        } else if !summary.decrypted {
            summary.notDecryptedReason = "no 1-RTT packet captured"
        }
        emit(.handshakeUpdated)
    }
}
