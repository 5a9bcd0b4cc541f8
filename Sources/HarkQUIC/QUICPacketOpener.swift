/// Removes header protection from one packet, reconstructs its packet number and decrypts its payload
/// (RFC 9001 §5.3–§5.4, RFC 9000 §17.1 and Appendix A.3).
enum QUICPacketOpener {
    /// A packet opened.
    struct Opened {
        var packetNumber: UInt64
        /// The Key Phase bit of a short header (RFC 9001 §6); false for long headers.
        var keyPhase: Bool
        /// The decrypted payload, a slice of the datagram it was decrypted in.
        var payload: ArraySlice<UInt8>
    }

    /// What stands in the way of opening a packet.
    enum Failure: Error, Equatable {
        /// Too few bytes after the packet number offset to take the 16-byte sample.
        case tooShortForSample
        /// The payload did not authenticate with the keys tried.
        case authenticationFailed
    }

    /// The packet number and the first byte with header protection removed, without decrypting.
    static func unprotect(
        _ datagram: [UInt8], header: QUICPacketHeader, start: Int, keys: QUICPacketKeys, largestReceived: UInt64?
    ) -> Result<(firstByte: UInt8, packetNumber: UInt64, length: Int), Failure> {
        // RFC 9001 §5.4.2: the sample starts four bytes after the start of the packet number.
        let sampleStart = header.packetNumberOffset &+ 4
        guard sampleStart &+ 16 <= header.end, start < datagram.count, header.packetNumberOffset &+ 4 <= datagram.count,
            let mask = keys.headerProtection?.mask(datagram, sampleStart: sampleStart)
        else { return .failure(.tooShortForSample) }
        let isLong = datagram[start] & 0x80 != 0
        let firstByte = datagram[start] ^ (mask[0] & (isLong ? 0x0F : 0x1F))
        let length = Int(firstByte & 0x03) &+ 1
        var truncated: UInt64 = 0
        for index in 0..<length {
            truncated = truncated << 8 | UInt64(datagram[header.packetNumberOffset &+ index] ^ mask[1 &+ index])
        }
        let number = decodePacketNumber(truncated: truncated, bits: length &* 8, largest: largestReceived)
        return .success((firstByte, number, length))
    }

    /// Opens one packet with `keys`, in place: its header protection is removed and its payload
    /// decrypted in `datagram` (on failure the packet's bytes are left undefined).
    static func open(
        _ datagram: inout [UInt8], header: QUICPacketHeader, start: Int, keys: QUICPacketKeys, largestReceived: UInt64?
    ) -> Result<Opened, Failure> {
        switch unprotect(datagram, header: header, start: start, keys: keys, largestReceived: largestReceived) {
        case .failure(let failure): return .failure(failure)
        case .success(let (firstByte, number, length)):
            return open(&datagram, header: header, start: start, keys: keys, firstByte: firstByte, packetNumber: number, numberLength: length)
        }
    }

    /// Decrypts a packet whose header protection was removed (`firstByte`, `packetNumber`), in place: the
    /// unprotected header (the associated data) is written back and the payload decrypted over the
    /// ciphertext.
    static func open(
        _ datagram: inout [UInt8], header: QUICPacketHeader, start: Int, keys: QUICPacketKeys, firstByte: UInt8,
        packetNumber: UInt64, numberLength: Int
    ) -> Result<Opened, Failure> {
        var tail: QUICUncopiedTail?
        return open(&datagram, header: header, start: start, keys: keys, firstByte: firstByte, packetNumber: packetNumber, numberLength: numberLength, tail: &tail)
    }

    /// `open`, with the ciphertext read from `tail.source` when the datagram's end is not copied yet
    /// (`QUICAEADContext.open`).
    static func open(
        _ datagram: inout [UInt8], header: QUICPacketHeader, start: Int, keys: QUICPacketKeys, firstByte: UInt8,
        packetNumber: UInt64, numberLength: Int, tail: inout QUICUncopiedTail?
    ) -> Result<Opened, Failure> {
        let payloadStart = header.packetNumberOffset &+ numberLength
        guard start >= 0, start < header.packetNumberOffset, payloadStart <= header.end, header.end <= datagram.count,
            let aead = keys.aead
        else { return .failure(.tooShortForSample) }
        datagram[start] = firstByte
        var shift = UInt64(8 &* (numberLength &- 1))
        for index in header.packetNumberOffset..<payloadStart {
            datagram[index] = UInt8(truncatingIfNeeded: packetNumber >> shift)
            shift &-= 8
        }
        var nonce = QUICNonce(base: keys.nonceBase, packetNumber: packetNumber)
        guard let plaintext = aead.open(&datagram, ciphertext: payloadStart..<header.end, header: start..<payloadStart, nonce: &nonce, tail: &tail)
        else { return .failure(.authenticationFailed) }
        let keyPhase = firstByte & 0x80 == 0 && firstByte & 0x04 != 0
        return .success(Opened(packetNumber: packetNumber, keyPhase: keyPhase, payload: datagram[plaintext]))
    }

    /// The full packet number closest to the next one expected (RFC 9000 Appendix A.3).
    static func decodePacketNumber(truncated: UInt64, bits: Int, largest: UInt64?) -> UInt64 {
        guard let largest else { return truncated }
        let expected = largest &+ 1
        let window = UInt64(1) << UInt64(bits)
        let halfWindow = window / 2
        let mask = window &- 1
        let candidate = (expected & ~mask) | truncated
        if expected >= halfWindow, candidate <= expected &- halfWindow, candidate < (UInt64(1) << 62) &- window {
            return candidate &+ window
        }
        if candidate > expected &+ halfWindow, candidate >= window {
            return candidate &- window
        }
        return candidate
    }
}
