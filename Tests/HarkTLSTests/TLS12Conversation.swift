import Crypto
import Foundation
import HarkCore
import Testing
import _CryptoExtras

@testable import HarkTLS

/// Seals one direction's TLS 1.0–1.2 records the way a real endpoint does, with swift-crypto, so the
/// analyzer can be checked against every record protection without a recorded capture.
struct TLS12RecordWriter {
    let parameters: CipherSuiteParameters
    let version: TLSVersion
    let encryptThenMAC: Bool
    let keys: TLS12DirectionKeys
    var sequence: UInt64 = 0
    /// TLS 1.0's implicit IV: the key block's, then each record's last ciphertext block.
    var chainedIV: [UInt8]
    /// Extra padding blocks for CBC records, varied per record.
    var extraPadding = 0

    init(parameters: CipherSuiteParameters, version: TLSVersion, encryptThenMAC: Bool, keys: TLS12DirectionKeys) {
        self.parameters = parameters
        self.version = version
        self.encryptThenMAC = encryptThenMAC
        self.keys = keys
        chainedIV = keys.iv
    }

    /// A whole protected record of `type` carrying `content`.
    mutating func seal(_ type: UInt8, _ content: [UInt8]) throws -> [UInt8] {
        let key = SymmetricKey(data: keys.key)
        let sequenceBytes = bigEndian(sequence, 8)
        let versionBytes = bigEndian(UInt64(version.rawValue), 2)
        defer { sequence += 1 }
        let fragment: [UInt8]
        switch parameters.bulk {
        case .aesGCM:
            let explicit = sequenceBytes
            let aad = sequenceBytes + [type] + versionBytes + bigEndian(UInt64(content.count), 2)
            let box = try AES.GCM.seal(
                content, using: key, nonce: AES.GCM.Nonce(data: keys.iv + explicit), authenticating: aad)
            fragment = explicit + Array(box.ciphertext) + Array(box.tag)
        case .chaCha20Poly1305:
            let nonce = zip(keys.iv, [0, 0, 0, 0] + sequenceBytes).map { $0 ^ $1 }
            let aad = sequenceBytes + [type] + versionBytes + bigEndian(UInt64(content.count), 2)
            let box = try ChaChaPoly.seal(
                content, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: aad)
            fragment = Array(box.ciphertext) + Array(box.tag)
        case .aesCBC:
            let iv =
                version <= .tls10 ? chainedIV : (0..<16).map { UInt8(truncatingIfNeeded: Int(sequence) &* 31 &+ $0) }
            let mac = parameters.mac ?? .sha1
            var plaintext = content
            if !encryptThenMAC {
                plaintext += hmac(
                    mac, sequenceBytes + [type] + versionBytes + bigEndian(UInt64(content.count), 2) + content)
            }
            // RFC 5246 §6.2.3.2: padding_length + 1 bytes of value padding_length fill the last block;
            // senders may add whole blocks.
            let padding = (16 - (plaintext.count + 1) % 16) % 16 + 16 * (extraPadding % 3)
            extraPadding += 1
            plaintext += [UInt8](repeating: UInt8(padding), count: padding + 1)
            let ciphertext = Array(
                try AES._CBC.encrypt(plaintext, using: key, iv: AES._CBC.IV(ivBytes: iv), noPadding: true))
            chainedIV = Array(ciphertext.suffix(16))
            var body = (version <= .tls10 ? [] : iv) + ciphertext
            if encryptThenMAC {
                body += hmac(mac, sequenceBytes + [type] + versionBytes + bigEndian(UInt64(body.count), 2) + body)
            }
            fragment = body
        }
        return [type] + versionBytes + bigEndian(UInt64(fragment.count), 2) + fragment
    }

    private func hmac(_ hash: HashAlgorithm, _ data: [UInt8]) -> [UInt8] {
        let key = SymmetricKey(data: keys.macKey)
        switch hash {
        case .sha1: return Array(HMAC<Insecure.SHA1>.authenticationCode(for: data, using: key))
        case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: data, using: key))
        case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: data, using: key))
        }
    }
}

func bigEndian(_ value: UInt64, _ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * (count - 1 - $0))) }
}

/// A handshake message: type, 24-bit length, body.
func handshakeMessage(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
    [type] + bigEndian(UInt64(body.count), 3) + body
}

/// Plaintext records of `type` carrying `content`, cut into fragments of at most `size` bytes.
func plainRecords(_ type: UInt8, _ content: [UInt8], version: UInt16 = 0x0303, size: Int = 16_384) -> [UInt8] {
    stride(from: 0, to: content.count, by: size).flatMap { start -> [UInt8] in
        let fragment = Array(content[start..<min(start + size, content.count)])
        return [type] + bigEndian(UInt64(version), 2) + bigEndian(UInt64(fragment.count), 2) + fragment
    }
}

/// An extension: type, length, data.
func helloExtension(_ type: UInt16, _ data: [UInt8]) -> [UInt8] {
    bigEndian(UInt64(type), 2) + bigEndian(UInt64(data.count), 2) + data
}

/// A full TLS 1.0–1.2 connection built from its parts: hellos, key exchange placeholders, ChangeCipherSpec,
/// encrypted Finished messages, application data and close_notify alerts.
struct TLS12Conversation {
    var suite: TLSCipherSuite
    var version: TLSVersion = .tls12
    var encryptThenMAC = false
    var resumed = false
    var clientRandom = TLSRandom(bytes: (0..<32).map { UInt8($0) })!
    var serverRandom = TLSRandom(bytes: (0..<32).map { UInt8(200 &- $0) })!
    var masterSecret: [UInt8] = (0..<48).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) }
    var request: [UInt8] = Array("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8)
    var response: [UInt8] =
        Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello".utf8) + (0..<40_000).map { UInt8($0 % 251) }

    /// The key log line that decrypts it.
    var keyLogLine: String { "CLIENT_RANDOM \(clientRandom) \(hexString(masterSecret))\n" }

    /// The connection, as chunks of each direction in send order.
    func script() throws -> [(Direction, [UInt8])] {
        let parameters = try #require(suite.parameters)
        let keys = TLSPRF.keyBlock(
            parameters, version: version, masterSecret: masterSecret, clientRandom: clientRandom,
            serverRandom: serverRandom)
        var client = TLS12RecordWriter(
            parameters: parameters, version: version, encryptThenMAC: encryptThenMAC, keys: keys.client)
        var server = TLS12RecordWriter(
            parameters: parameters, version: version, encryptThenMAC: encryptThenMAC, keys: keys.server)
        let sessionID: [UInt8] = (0..<32).map { UInt8(100 + $0) }
        var clientExtensions = helloExtension(0, bigEndian(14, 2) + [0] + bigEndian(11, 2) + Array("example.com".utf8))
        clientExtensions += helloExtension(16, bigEndian(12, 2) + [2] + Array("h2".utf8) + [8] + Array("http/1.1".utf8))
        clientExtensions += helloExtension(23, [])
        if encryptThenMAC { clientExtensions += helloExtension(22, []) }
        let clientHello = handshakeMessage(
            1,
            bigEndian(UInt64(version.rawValue), 2) + clientRandom.bytes + [32] + sessionID + bigEndian(4, 2)
                + bigEndian(UInt64(suite.rawValue), 2) + [0x00, 0xFF] + [1, 0]
                + bigEndian(UInt64(clientExtensions.count), 2)
                + clientExtensions)
        var serverExtensions =
            helloExtension(16, bigEndian(9, 2) + [8] + Array("http/1.1".utf8)) + helloExtension(23, [])
        if encryptThenMAC { serverExtensions += helloExtension(22, []) }
        let serverHello = handshakeMessage(
            2,
            bigEndian(UInt64(version.rawValue), 2) + serverRandom.bytes + [32]
                + (resumed ? sessionID : sessionID.reversed())
                + bigEndian(UInt64(suite.rawValue), 2) + [0] + bigEndian(UInt64(serverExtensions.count), 2)
                + serverExtensions)
        let certificate = handshakeMessage(
            11, bigEndian(3003, 3) + bigEndian(3000, 3) + [UInt8](repeating: 0x30, count: 3000))
        let serverDone = handshakeMessage(14, [])
        let keyExchange = handshakeMessage(16, [32] + [UInt8](repeating: 9, count: 32))
        let ccs = plainRecords(20, [1])
        let clientFinished = try client.seal(22, handshakeMessage(20, [UInt8](repeating: 0xC1, count: 12)))
        let serverFinished = try server.seal(22, handshakeMessage(20, [UInt8](repeating: 0x5E, count: 12)))
        let ticket = handshakeMessage(4, bigEndian(7200, 4) + bigEndian(100, 2) + [UInt8](repeating: 0x77, count: 100))

        var script: [(Direction, [UInt8])] = [(.clientToServer, plainRecords(22, clientHello, version: 0x0301))]
        if resumed {
            script.append(
                (.serverToClient, plainRecords(22, serverHello) + plainRecords(22, ticket) + ccs + serverFinished))
            script.append((.clientToServer, ccs + clientFinished))
        } else {
            // The server's flight is cut into small records, so messages span records.
            script.append((.serverToClient, plainRecords(22, serverHello + certificate + serverDone, size: 700)))
            script.append((.clientToServer, plainRecords(22, keyExchange) + ccs + clientFinished))
            script.append((.serverToClient, plainRecords(22, ticket) + ccs + serverFinished))
        }
        var requestRecords: [UInt8] = []
        for start in stride(from: 0, to: request.count, by: 10) {
            requestRecords += try client.seal(23, Array(request[start..<min(start + 10, request.count)]))
        }
        requestRecords += try client.seal(23, [])
        script.append((.clientToServer, requestRecords))
        var responseRecords: [UInt8] = []
        for start in stride(from: 0, to: response.count, by: 16_384) {
            responseRecords += try server.seal(23, Array(response[start..<min(start + 16_384, response.count)]))
        }
        script.append((.serverToClient, responseRecords))
        script.append((.clientToServer, try client.seal(21, [1, 0])))
        script.append((.serverToClient, try server.seal(21, [1, 0])))
        return script
    }

    /// A key log holding this connection's master secret.
    var keyLog: TLSKeyLog {
        let keyLog = TLSKeyLog()
        keyLog.add(Array(keyLogLine.utf8), source: "test")
        return keyLog
    }
}
