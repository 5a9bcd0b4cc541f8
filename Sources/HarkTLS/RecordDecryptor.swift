import Crypto
import NIOCore
import _CryptoExtras

#if canImport(FoundationEssentials)
    import FoundationEssentials  // Data, which swift-crypto's API takes and returns
#else
    import Foundation
#endif

/// Removes one direction's record protection for one key epoch, counting the sequence number that
/// enters every nonce or MAC (RFC 8446 §5.3, RFC 5246 §6.2.3).
///
/// Plaintext is written into a caller-owned scratch buffer; swift-crypto's API allocates its sealed box
/// and its output `Data` per record, and nothing else here does.
struct RecordDecryptor {
    private enum Protection {
        /// AES-GCM or ChaCha20-Poly1305. `iv` is the TLS 1.3 / ChaCha IV XORed with the sequence number,
        /// or TLS 1.2 GCM's 4-byte salt that precedes the record's explicit nonce.
        case aead(key: SymmetricKey, iv: [UInt8], bulk: CipherSuiteParameters.Bulk, tls13: Bool)
        /// AES-CBC with HMAC; `chainedIV` holds TLS 1.0's implicit IV (the last ciphertext block).
        case cbc(key: SymmetricKey, macKey: SymmetricKey, mac: HashAlgorithm, encryptThenMAC: Bool, chainedIV: [UInt8]?)
    }

    private var protection: Protection
    /// The sequence number of the next record (RFC 5246 §6.1, RFC 8446 §5.3).
    private(set) var sequence: UInt64 = 0

    /// TLS 1.3 protection from a traffic secret.
    init(tls13 parameters: CipherSuiteParameters, secret: [UInt8]) {
        let (key, iv) = TLS13KeySchedule.trafficKeys(parameters, secret: secret)
        protection = .aead(key: SymmetricKey(data: key), iv: iv, bulk: parameters.bulk, tls13: true)
    }

    /// TLS 1.0–1.2 protection from one direction's slice of the key block.
    init(tls12 parameters: CipherSuiteParameters, keys: TLS12DirectionKeys, version: TLSVersion, encryptThenMAC: Bool) {
        let key = SymmetricKey(data: keys.key)
        switch parameters.bulk {
        case .aesGCM, .chaCha20Poly1305:
            protection = .aead(key: key, iv: keys.iv, bulk: parameters.bulk, tls13: false)
        case .aesCBC:
            protection = .cbc(
                key: key, macKey: SymmetricKey(data: keys.macKey), mac: parameters.mac ?? .sha1,
                encryptThenMAC: encryptThenMAC, chainedIV: version <= .tls10 ? keys.iv : nil)
        }
    }

    /// Counts a record that was lost in capture, so later records get their right sequence numbers.
    mutating func skipRecord() {
        sequence &+= 1
    }

    /// Decrypts and authenticates `record` into `scratch` (cleared first).
    ///
    /// - Returns: the inner content type (TLS 1.3) or the header's, with the plaintext as a slice of
    ///   `scratch`; nil when the record does not authenticate or is too short for its protection.
    mutating func open(_ record: TLSRecord, into scratch: inout ByteBuffer) -> (ContentType, ByteBuffer)? {
        scratch.clear()
        let opened: Bool
        switch protection {
        case .aead(let key, let iv, let bulk, let tls13):
            opened = record.fragment.withUnsafeReadableBytes { fragment in
                openAEAD(fragment, record: record, key: key, iv: iv, bulk: bulk, tls13: tls13, into: &scratch)
            }
        case .cbc(let key, let macKey, let mac, let encryptThenMAC, let chainedIV):
            var nextIV = chainedIV
            opened = record.fragment.withUnsafeReadableBytes { fragment in
                openCBC(
                    fragment, record: record, key: key, macKey: macKey, mac: mac, encryptThenMAC: encryptThenMAC,
                    chainedIV: &nextIV, into: &scratch)
            }
            if opened {
                protection = .cbc(key: key, macKey: macKey, mac: mac, encryptThenMAC: encryptThenMAC, chainedIV: nextIV)
            }
        }
        guard opened else { return nil }
        sequence &+= 1
        guard case .aead(_, _, _, true) = protection else { return (record.type, scratch) }
        // RFC 8446 §5.4: TLSInnerPlaintext is content, the real type, then zero padding.
        guard let typeIndex = scratch.readableBytesView.lastIndex(where: { $0 != 0 }),
            let type = scratch.getInteger(at: typeIndex, as: UInt8.self),
            let content = scratch.getSlice(at: scratch.readerIndex, length: typeIndex - scratch.readerIndex)
        else { return nil }
        return (ContentType(rawValue: type), content)
    }

    private func openAEAD(
        _ fragment: UnsafeRawBufferPointer, record: TLSRecord, key: SymmetricKey, iv: [UInt8],
        bulk: CipherSuiteParameters.Bulk, tls13: Bool, into scratch: inout ByteBuffer
    ) -> Bool {
        let explicitNonce = !tls13 && bulk == .aesGCM ? 8 : 0
        guard fragment.count >= explicitNonce + 16 else { return false }
        let ciphertext = UnsafeRawBufferPointer(rebasing: fragment[explicitNonce..<(fragment.count - 16)])
        let tag = UnsafeRawBufferPointer(rebasing: fragment[(fragment.count - 16)...])
        // The nonce: TLS 1.2 GCM is salt + explicit part (RFC 5288 §3); TLS 1.3 and TLS 1.2 ChaCha20 XOR
        // the IV with the padded sequence number (RFC 8446 §5.3, RFC 7905 §2).
        var nonce: (UInt64, UInt32) = (0, 0)
        withUnsafeMutableBytes(of: &nonce) { bytes in
            if explicitNonce > 0 {
                bytes.copyBytes(from: iv.prefix(4))
                UnsafeMutableRawBufferPointer(rebasing: bytes[4...]).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: fragment[0..<8]))
            } else {
                bytes.copyBytes(from: iv.prefix(12))
                for index in 0..<8 {
                    bytes[4 + index] ^= UInt8(truncatingIfNeeded: sequence >> UInt64(56 - 8 * index))
                }
            }
        }
        // TLS 1.3 authenticates the record header; TLS 1.2 seq_num + type + version + plaintext length.
        var aad: (UInt64, UInt32, UInt8) = (0, 0, 0)
        let aadLength = tls13 ? 5 : 13
        withUnsafeMutableBytes(of: &aad) { bytes in
            var index = 0
            func put(_ byte: UInt8) {
                bytes[index] = byte
                index += 1
            }
            if !tls13 {
                for shift in stride(from: 56, through: 0, by: -8) {
                    put(UInt8(truncatingIfNeeded: sequence >> UInt64(shift)))
                }
            }
            let length = tls13 ? fragment.count : ciphertext.count
            put(record.type.rawValue)
            put(UInt8(truncatingIfNeeded: record.version >> 8))
            put(UInt8(truncatingIfNeeded: record.version))
            put(UInt8(truncatingIfNeeded: length >> 8))
            put(UInt8(truncatingIfNeeded: length))
        }
        return withUnsafeBytes(of: &nonce) { nonceBytes in
            withUnsafeBytes(of: &aad) { aadBytes in
                let authenticated = UnsafeRawBufferPointer(rebasing: aadBytes[0..<aadLength])
                let plaintext: Data
                do {
                    switch bulk {
                    case .chaCha20Poly1305:
                        let box = try ChaChaPoly.SealedBox(
                            nonce: ChaChaPoly.Nonce(data: nonceBytes), ciphertext: ciphertext, tag: tag)
                        plaintext = try ChaChaPoly.open(box, using: key, authenticating: authenticated)
                    case .aesGCM, .aesCBC:
                        let box = try AES.GCM.SealedBox(
                            nonce: AES.GCM.Nonce(data: nonceBytes), ciphertext: ciphertext, tag: tag)
                        plaintext = try AES.GCM.open(box, using: key, authenticating: authenticated)
                    }
                } catch {
                    return false
                }
                _ = plaintext.withUnsafeBytes { scratch.writeBytes($0) }
                return true
            }
        }
    }

    private func openCBC(
        _ fragment: UnsafeRawBufferPointer, record: TLSRecord, key: SymmetricKey, macKey: SymmetricKey,
        mac: HashAlgorithm, encryptThenMAC: Bool, chainedIV: inout [UInt8]?, into scratch: inout ByteBuffer
    ) -> Bool {
        let macLength = mac.byteCount
        let ivLength = chainedIV == nil ? 16 : 0
        let encryptedEnd = encryptThenMAC ? fragment.count - macLength : fragment.count
        let cipherLength = encryptedEnd - ivLength
        guard cipherLength >= 16, cipherLength % 16 == 0 else { return false }
        let ciphertext = UnsafeRawBufferPointer(rebasing: fragment[ivLength..<encryptedEnd])
        if encryptThenMAC {
            // RFC 7366 §3: the MAC covers the header fields and the whole IV + ciphertext.
            let covered = UnsafeRawBufferPointer(rebasing: fragment[0..<encryptedEnd])
            let expected = UnsafeRawBufferPointer(rebasing: fragment[encryptedEnd...])
            guard
                macMatches(
                    mac, key: macKey, type: record.type, version: record.version, content: covered, expected: expected)
            else { return false }
        }
        let plaintext: Data
        do {
            let iv =
                try chainedIV.map { try AES._CBC.IV(ivBytes: $0) }
                ?? AES._CBC.IV(ivBytes: UnsafeRawBufferPointer(rebasing: fragment[0..<16]))
            plaintext = try AES._CBC.decrypt(ciphertext, using: key, iv: iv, noPadding: true)
        } catch {
            return false
        }
        return plaintext.withUnsafeBytes { decrypted -> Bool in
            // RFC 5246 §6.2.3.2: padding_length + 1 bytes, each equal to padding_length, end the block.
            guard let padding = decrypted.last, Int(padding) + 1 <= decrypted.count,
                decrypted[(decrypted.count - Int(padding) - 1)...].allSatisfy({ $0 == padding })
            else { return false }
            var contentEnd = decrypted.count - Int(padding) - 1
            if !encryptThenMAC {
                guard contentEnd >= macLength else { return false }
                contentEnd -= macLength
                let content = UnsafeRawBufferPointer(rebasing: decrypted[0..<contentEnd])
                let expected = UnsafeRawBufferPointer(rebasing: decrypted[contentEnd..<(contentEnd + macLength)])
                guard
                    macMatches(
                        mac, key: macKey, type: record.type, version: record.version, content: content,
                        expected: expected)
                else { return false }
            }
            if chainedIV != nil {
                chainedIV = Array(ciphertext.suffix(16))
            }
            scratch.writeBytes(UnsafeRawBufferPointer(rebasing: decrypted[0..<contentEnd]))
            return true
        }
    }

    /// Whether `expected` is the record MAC of `content`: HMAC over seq_num, type, version, length and
    /// the content (RFC 5246 §6.2.3.1).
    private func macMatches(
        _ mac: HashAlgorithm, key: SymmetricKey, type: ContentType, version: UInt16, content: UnsafeRawBufferPointer,
        expected: UnsafeRawBufferPointer
    ) -> Bool {
        var header: (UInt64, UInt32, UInt8) = (0, 0, 0)
        withUnsafeMutableBytes(of: &header) { bytes in
            for index in 0..<8 { bytes[index] = UInt8(truncatingIfNeeded: sequence >> UInt64(56 - 8 * index)) }
            bytes[8] = type.rawValue
            bytes[9] = UInt8(truncatingIfNeeded: version >> 8)
            bytes[10] = UInt8(truncatingIfNeeded: version)
            bytes[11] = UInt8(truncatingIfNeeded: content.count >> 8)
            bytes[12] = UInt8(truncatingIfNeeded: content.count)
        }
        return withUnsafeBytes(of: &header) { headerBytes in
            let fields = UnsafeRawBufferPointer(rebasing: headerBytes[0..<13])
            switch mac {
            case .sha1: return hmacMatches(Insecure.SHA1.self, key: key, fields, content, expected)
            case .sha256: return hmacMatches(SHA256.self, key: key, fields, content, expected)
            case .sha384: return hmacMatches(SHA384.self, key: key, fields, content, expected)
            }
        }
    }
}

private func hmacMatches<H: HashFunction>(
    _: H.Type, key: SymmetricKey, _ fields: UnsafeRawBufferPointer, _ content: UnsafeRawBufferPointer,
    _ expected: UnsafeRawBufferPointer
) -> Bool {
    var hmac = HMAC<H>(key: key)
    hmac.update(data: fields)
    hmac.update(data: content)
    return hmac.finalize().withUnsafeBytes { $0.elementsEqual(expected) }
}
