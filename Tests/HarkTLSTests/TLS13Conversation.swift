import Crypto
import Foundation
import HarkCore
import Testing

@testable import HarkTLS

/// Seals one direction's TLS 1.3 records (RFC 8446 §5.2): the content type goes inside, followed by
/// optional zero padding; the nonce is the IV XOR the sequence number; the header is the AAD.
struct TLS13RecordWriter {
    let parameters: CipherSuiteParameters
    var secret: [UInt8]
    var sequence: UInt64 = 0

    /// A whole protected record of inner `type` carrying `content` and `padding` zero bytes.
    mutating func seal(_ type: UInt8, _ content: [UInt8], padding: Int = 0) throws -> [UInt8] {
        let (keyBytes, iv) = TLS13KeySchedule.trafficKeys(parameters, secret: secret)
        let key = SymmetricKey(data: keyBytes)
        let inner = content + [type] + [UInt8](repeating: 0, count: padding)
        let header: [UInt8] = [23, 3, 3] + bigEndian(UInt64(inner.count + 16), 2)
        let nonce = zip(iv, [0, 0, 0, 0] + bigEndian(sequence, 8)).map { $0 ^ $1 }
        sequence += 1
        switch parameters.bulk {
        case .chaCha20Poly1305:
            let box = try ChaChaPoly.seal(
                inner, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: header)
            return header + Array(box.ciphertext) + Array(box.tag)
        case .aesGCM, .aesCBC:
            let box = try AES.GCM.seal(inner, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: header)
            return header + Array(box.ciphertext) + Array(box.tag)
        }
    }

    /// Moves to the next traffic secret, as after sending or receiving a KeyUpdate.
    mutating func update() {
        secret = TLS13KeySchedule.nextTrafficSecret(parameters.hash, after: secret)
        sequence = 0
    }
}

/// A TLS 1.3 connection built from its parts with made-up secrets (the key log supplies them, so no key
/// exchange is needed): optional HelloRetryRequest, encrypted server flight with ALPN, Finished messages,
/// a ticket, application data with KeyUpdates in both directions, and close_notify alerts.
struct TLS13Conversation {
    var suite: TLSCipherSuite
    var helloRetry = false
    var resumed = false
    var keyUpdates = true
    /// 0-RTT data the client sends after the server's flight, under the early secret.
    var earlyData: [UInt8]?
    var logsEarlySecret = true
    var clientRandom = TLSRandom(bytes: (0..<32).map { UInt8(50 &+ $0) })!
    var request: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + (0..<3000).map { UInt8($0 % 7) }
    var response: [UInt8] = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 13) }

    func secret(_ label: UInt8, _ length: Int) -> [UInt8] {
        (0..<length).map { UInt8(truncatingIfNeeded: Int(label) &* 17 &+ $0) }
    }

    var secrets: [(String, [UInt8])] {
        let length = suite.parameters?.hash.byteCount ?? 32
        return (earlyData != nil && logsEarlySecret ? [("CLIENT_EARLY_TRAFFIC_SECRET", secret(5, length))] : []) + [
            ("CLIENT_HANDSHAKE_TRAFFIC_SECRET", secret(1, length)),
            ("SERVER_HANDSHAKE_TRAFFIC_SECRET", secret(2, length)),
            ("CLIENT_TRAFFIC_SECRET_0", secret(3, length)), ("SERVER_TRAFFIC_SECRET_0", secret(4, length)),
        ]
    }

    var keyLog: TLSKeyLog {
        let keyLog = TLSKeyLog()
        keyLog.add(Array(secrets.map { "\($0.0) \(clientRandom) \(hexString($0.1))\n" }.joined().utf8), source: "test")
        return keyLog
    }

    func script() throws -> [(Direction, [UInt8])] {
        let parameters = try #require(suite.parameters)
        let all = Dictionary(uniqueKeysWithValues: secrets)
        var clientHandshake = TLS13RecordWriter(parameters: parameters, secret: all["CLIENT_HANDSHAKE_TRAFFIC_SECRET"]!)
        var serverHandshake = TLS13RecordWriter(parameters: parameters, secret: all["SERVER_HANDSHAKE_TRAFFIC_SECRET"]!)
        var client = TLS13RecordWriter(parameters: parameters, secret: all["CLIENT_TRAFFIC_SECRET_0"]!)
        var server = TLS13RecordWriter(parameters: parameters, secret: all["SERVER_TRAFFIC_SECRET_0"]!)
        let sessionID: [UInt8] = (0..<32).map { UInt8($0) }
        var clientExtensions = helloExtension(0, bigEndian(9, 2) + [0] + bigEndian(6, 2) + Array("h2.dev".utf8))
        clientExtensions += helloExtension(16, bigEndian(12, 2) + [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))
        clientExtensions += helloExtension(43, [4, 3, 4, 3, 3])
        if earlyData != nil { clientExtensions += helloExtension(42, []) }
        clientExtensions += helloExtension(51, bigEndian(36, 2) + [0, 29, 0, 32] + [UInt8](repeating: 3, count: 32))
        let clientHello = handshakeMessage(
            1,
            [3, 3] + clientRandom.bytes + [32] + sessionID + bigEndian(2, 2) + bigEndian(UInt64(suite.rawValue), 2) + [
                1, 0,
            ]
                + bigEndian(UInt64(clientExtensions.count), 2) + clientExtensions)
        func serverHello(random: [UInt8], psk: Bool) -> [UInt8] {
            var extensions =
                helloExtension(43, [3, 4]) + helloExtension(51, [0, 29, 0, 32] + [UInt8](repeating: 4, count: 32))
            if psk { extensions += helloExtension(41, [0, 0]) }
            return handshakeMessage(
                2,
                [3, 3] + random + [32] + sessionID + bigEndian(UInt64(suite.rawValue), 2) + [0]
                    + bigEndian(UInt64(extensions.count), 2) + extensions)
        }
        let ccs = plainRecords(20, [1])
        var script: [(Direction, [UInt8])] = [(.clientToServer, plainRecords(22, clientHello, version: 0x0301))]
        if helloRetry {
            script.append(
                (
                    .serverToClient,
                    plainRecords(22, serverHello(random: TLSRandom.helloRetryRequest.bytes, psk: false)) + ccs
                ))
            script.append((.clientToServer, ccs + plainRecords(22, clientHello)))
        }
        let extensions = helloExtension(16, bigEndian(3, 2) + [2] + Array("h2".utf8))
        let encryptedExtensions = handshakeMessage(8, bigEndian(UInt64(extensions.count), 2) + extensions)
        let certificate = handshakeMessage(
            11, [0] + bigEndian(2005, 3) + bigEndian(2000, 3) + [UInt8](repeating: 0x30, count: 2000) + [0, 0])
        let verify = handshakeMessage(15, [8, 4, 0, 64] + [UInt8](repeating: 0x66, count: 64))
        let finished = handshakeMessage(20, [UInt8](repeating: 0xF1, count: parameters.hash.byteCount))
        let flight = encryptedExtensions + (resumed ? [] : certificate + verify) + finished
        // The server's flight spans two records, split inside the certificate.
        let cut = flight.count / 2
        var serverFlight = plainRecords(22, serverHello(random: (0..<32).map { UInt8(9 &+ $0) }, psk: resumed)) + ccs
        serverFlight += try serverHandshake.seal(22, Array(flight[..<cut]))
        serverFlight += try serverHandshake.seal(22, Array(flight[cut...]), padding: 30)
        script.append((.serverToClient, serverFlight))
        if let earlyData {
            var early = TLS13RecordWriter(parameters: parameters, secret: secret(5, parameters.hash.byteCount))
            script.append((.clientToServer, try early.seal(23, earlyData) + early.seal(22, handshakeMessage(5, []))))
        }
        script.append(
            (
                .clientToServer,
                ccs
                    + (try clientHandshake.seal(
                        22, handshakeMessage(20, [UInt8](repeating: 0xC1, count: parameters.hash.byteCount))))
            ))
        script.append(
            (
                .serverToClient,
                try server.seal(
                    22, handshakeMessage(4, [0, 0, 0, 9] + [1, 2, 3, 4] + [0] + [0, 3, 7, 7, 7] + [0, 0]))
            ))
        // The client sends half its request, asks for a key update, and sends the rest with its next key.
        let half = request.count / 2
        var clientData = try client.seal(23, Array(request[..<half]), padding: 5)
        if keyUpdates {
            clientData += try client.seal(22, handshakeMessage(24, [1]))
            client.update()
        }
        clientData += try client.seal(23, Array(request[half...]))
        script.append((.clientToServer, clientData))
        var serverData: [UInt8] = []
        for (index, start) in stride(from: 0, to: response.count, by: 16_000).enumerated() {
            if keyUpdates, index == 1 {
                serverData += try server.seal(22, handshakeMessage(24, [0]))
                server.update()
            }
            serverData += try server.seal(23, Array(response[start..<min(start + 16_000, response.count)]))
        }
        script.append((.serverToClient, serverData))
        script.append((.clientToServer, try client.seal(21, [1, 0])))
        script.append((.serverToClient, try server.seal(21, [1, 0])))
        return script
    }
}
