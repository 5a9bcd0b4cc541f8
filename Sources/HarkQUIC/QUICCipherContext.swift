internal import CCryptoBoringSSL

/// BoringSSL's AEAD for one packet protection key (RFC 9001 §5.3), set up once and reused for every
/// packet: swift-crypto's `AES.GCM.open` would expand the key and build `Data` and a `SealedBox` for
/// each one. Packets are opened in place.
final class QUICAEADContext {
    private let context: UnsafeMutablePointer<EVP_AEAD_CTX>

    /// A context for `key`; nil when BoringSSL refuses the key (a length the AEAD does not take).
    init?(cipher: QUICPacketKeys.Cipher, key: [UInt8]) {
        let aead: OpaquePointer?
        switch cipher {
        case .aesGCM: aead = key.count == 32 ? CCryptoBoringSSL_EVP_aead_aes_256_gcm() : CCryptoBoringSSL_EVP_aead_aes_128_gcm()
        case .chaCha20Poly1305: aead = CCryptoBoringSSL_EVP_aead_chacha20_poly1305()
        }
        context = UnsafeMutablePointer<EVP_AEAD_CTX>.allocate(capacity: 1)
        CCryptoBoringSSL_EVP_AEAD_CTX_zero(context)
        let status = key.withUnsafeBufferPointer {
            CCryptoBoringSSL_EVP_AEAD_CTX_init(context, aead, $0.baseAddress, $0.count, 16, nil)
        }
        guard status == 1 else {
            context.deallocate()
            return nil
        }
    }

    deinit {
        CCryptoBoringSSL_EVP_AEAD_CTX_cleanup(context)
        context.deallocate()
    }

    /// Decrypts and authenticates `bytes[ciphertext]` (payload and 16-byte tag) in place, with
    /// `bytes[header]` as associated data; returns the plaintext's range (the ciphertext's start, 16 bytes
    /// shorter), or nil when it does not authenticate (the ciphertext is then overwritten).
    ///
    /// With a `tail` not copied yet, the ciphertext is read from the capture's bytes (`tail.source`, same
    /// offsets) and decrypted into `bytes`; everything from the ciphertext's start on is then written
    /// (the plaintext and the tag's place, or zeros when it does not authenticate) and `tail.copied` is
    /// set.
    func open(_ bytes: inout [UInt8], ciphertext: Range<Int>, header: Range<Int>, nonce: inout QUICNonce, tail: inout QUICUncopiedTail?) -> Range<Int>? {
        guard ciphertext.count >= 16, ciphertext.lowerBound >= 0, ciphertext.upperBound <= bytes.count, header.lowerBound >= 0,
            header.upperBound <= ciphertext.lowerBound
        else { return nil }
        if var uncopied = tail, !uncopied.copied, uncopied.source.count != bytes.count || ciphertext.lowerBound > uncopied.start {
            uncopied.copy(into: &bytes)
            tail = uncopied
        }
        var written = 0
        let source = tail.flatMap { !$0.copied && $0.source.count == bytes.count ? $0.source : nil }
        let status = bytes.withUnsafeMutableBufferPointer { buffer -> Int32 in
            guard let base = buffer.baseAddress else { return 0 }
            let input = source.flatMap { $0.baseAddress?.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(base)
            let status = withUnsafeBytes(of: &nonce.bytes) { nonceBytes in
                CCryptoBoringSSL_EVP_AEAD_CTX_open(
                    context, base + ciphertext.lowerBound, &written, ciphertext.count,
                    nonceBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), 12,
                    input + ciphertext.lowerBound, ciphertext.count, base + header.lowerBound, header.count)
            }
            // The tag's place is the only part of the output BoringSSL leaves alone when it opens.
            if source != nil, status == 1, written <= ciphertext.count {
                (base + ciphertext.lowerBound + written).initialize(from: input + ciphertext.lowerBound + written, count: ciphertext.count &- written)
            }
            return status
        }
        // Opened or not, BoringSSL wrote the whole output (zeros when it failed).
        if source != nil { tail?.copied = true }
        guard status == 1, written <= ciphertext.count else { return nil }
        return ciphertext.lowerBound..<(ciphertext.lowerBound &+ written)
    }
}

/// The end of a datagram not copied out of the capture yet: `source` holds the whole datagram, the copy
/// only its bytes before `start` (the rest is not the datagram's until `copied`). A packet decrypted
/// from `source` straight into the copy saves copying its ciphertext first.
struct QUICUncopiedTail {
    let source: UnsafeRawBufferPointer
    let start: Int
    var copied = false

    /// Copies what is not copied yet into `datagram` (a packet that was not decrypted).
    mutating func copy(into datagram: inout [UInt8]) {
        guard !copied, start <= source.count, source.count == datagram.count else { return }
        copied = true
        datagram.withUnsafeMutableBytes { buffer in
            guard let base = buffer.baseAddress, let from = source.baseAddress else { return }
            (base + start).copyMemory(from: from + start, byteCount: source.count &- start)
        }
    }
}

/// A 12-byte AEAD nonce on the stack: the IV XORed with the packet number (RFC 9001 §5.3).
struct QUICNonce {
    var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    init(iv: [UInt8], packetNumber: UInt64) {
        bytes = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { nonce in
            for index in 0..<min(12, iv.count) { nonce[index] = iv[index] }
        }
        self = QUICNonce(base: self, packetNumber: packetNumber)
    }

    /// `base` (the IV as a nonce, packet number 0) XORed with `packetNumber`: no array is read per packet.
    init(base: QUICNonce, packetNumber: UInt64) {
        bytes = base.bytes
        withUnsafeMutableBytes(of: &bytes) { nonce in
            for index in 0..<8 {
                nonce[4 &+ index] ^= UInt8(truncatingIfNeeded: packetNumber >> UInt64(56 &- 8 &* index))
            }
        }
    }
}

/// The header protection cipher of one key (RFC 9001 §5.4.3, §5.4.4), set up once: AES with its key
/// schedule expanded, or ChaCha20 with its key.
final class QUICHeaderProtectionContext {
    private enum State {
        case aes(UnsafeMutablePointer<AES_KEY>)
        case chaCha20([UInt8])
    }

    private let state: State

    /// A context for `key`; nil for an AES key of a length AES does not have, or a ChaCha20 key that is
    /// not 32 bytes.
    init?(cipher: QUICPacketKeys.Cipher, key: [UInt8]) {
        switch cipher {
        case .aesGCM:
            let schedule = UnsafeMutablePointer<AES_KEY>.allocate(capacity: 1)
            let status = key.withUnsafeBufferPointer {
                CCryptoBoringSSL_AES_set_encrypt_key($0.baseAddress, UInt32(truncatingIfNeeded: $0.count &* 8), schedule)
            }
            guard status == 0 else {
                schedule.deallocate()
                return nil
            }
            state = .aes(schedule)
        case .chaCha20Poly1305:
            guard key.count == 32 else { return nil }
            state = .chaCha20(key)
        }
    }

    deinit {
        if case .aes(let schedule) = state { schedule.deallocate() }
    }

    /// The five mask bytes for the 16-byte sample at `bytes[sampleStart...]`; nil when fewer than 16
    /// bytes are there.
    func mask(_ bytes: [UInt8], sampleStart: Int) -> QUICMask? {
        guard sampleStart >= 0, sampleStart <= bytes.count &- 16 else { return nil }
        var block: (UInt64, UInt64) = (0, 0)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let sample = base + sampleStart
            withUnsafeMutableBytes(of: &block) { output in
                guard let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
                switch state {
                case .aes(let schedule):
                    CCryptoBoringSSL_AES_encrypt(sample, out, schedule)
                case .chaCha20(let key):
                    // The counter is the sample's first four bytes, little-endian; the nonce the other twelve.
                    let counter = UInt32(sample[0]) | UInt32(sample[1]) << 8 | UInt32(sample[2]) << 16 | UInt32(sample[3]) << 24
                    let zeros: (UInt64, UInt64) = (0, 0)
                    withUnsafeBytes(of: zeros) { input in
                        key.withUnsafeBufferPointer { keyBytes in
                            CCryptoBoringSSL_CRYPTO_chacha_20(
                                out, input.baseAddress?.assumingMemoryBound(to: UInt8.self), 5, keyBytes.baseAddress, sample + 4, counter)
                        }
                    }
                }
            }
        }
        return withUnsafeBytes(of: block) { QUICMask(bytes: ($0[0], $0[1], $0[2], $0[3], $0[4])) }
    }
}

/// The five header protection mask bytes: the first for the first byte's bits, four for the packet
/// number.
struct QUICMask: Equatable {
    var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8)

    /// Mask byte `index` (0...4).
    subscript(index: Int) -> UInt8 {
        switch index {
        case 0: bytes.0
        case 1: bytes.1
        case 2: bytes.2
        case 3: bytes.3
        default: bytes.4
        }
    }

    static func == (lhs: QUICMask, rhs: QUICMask) -> Bool {
        lhs.bytes == rhs.bytes
    }

    /// The mask as an array (for tests and diagnostics).
    var array: [UInt8] { [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4] }
}
