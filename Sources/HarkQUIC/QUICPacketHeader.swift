/// The unprotected part of one QUIC packet's header (RFC 9000 §17): what can be read before header
/// protection is removed, and where the packet number and the packet end.
struct QUICPacketHeader {
    enum Form: Equatable {
        /// A long header (Initial, 0-RTT, Handshake, Retry) of a known version.
        case long(QUICLongPacketType, QUICVersion)
        /// A Version Negotiation packet.
        case versionNegotiation
        /// A long header of a version hark cannot read.
        case unknownVersion(QUICVersion)
        /// A short (1-RTT) header.
        case short
    }

    var form: Form
    /// Where the Destination Connection ID is in the datagram (ranges, not slices: the datagram is
    /// decrypted in place afterwards, and a slice would make that copy it).
    var destinationConnectionID: Range<Int>
    /// Where the Source Connection ID of a long header is; nil for a short header.
    var sourceConnectionID: Range<Int>?
    /// Where the (protected) packet number starts, from the start of the datagram.
    var packetNumberOffset: Int
    /// Where this packet ends in the datagram: the next coalesced packet, if any, starts there.
    var end: Int

    /// Reads the header of the packet starting at `start` of `datagram`.
    ///
    /// - Parameter shortHeaderCIDLength: the length of the Destination Connection ID of short headers
    ///   on this path (it is not on the wire).
    /// - Returns: the header, or what is wrong with it.
    static func parse(_ datagram: [UInt8], at start: Int, shortHeaderCIDLength: Int) -> Result<QUICPacketHeader, QUICPacketError> {
        var reader = QUICReader(datagram, from: start)
        guard let first = reader.readByte() else { return .failure(.truncated("first byte")) }
        guard first & 0x80 != 0 else {
            guard let dcid = reader.readBytes(shortHeaderCIDLength)?.indices else { return .failure(.truncated("short header")) }
            return .success(
                QUICPacketHeader(form: .short, destinationConnectionID: dcid, sourceConnectionID: nil, packetNumberOffset: reader.index, end: datagram.count))
        }
        guard let versionNumber = reader.readInteger(bytes: 4),
            let dcidLength = reader.readByte()
        else { return .failure(.truncated("long header")) }
        let version = QUICVersion(rawValue: UInt32(truncatingIfNeeded: versionNumber))
        // RFC 9000 §17.2: v1 connection IDs are at most 20 bytes (other versions may differ).
        guard let dcid = reader.readBytes(Int(dcidLength))?.indices, let scidLength = reader.readByte(),
            let scid = reader.readBytes(Int(scidLength))?.indices
        else { return .failure(.truncated("long header connection IDs")) }
        if version == .negotiation {
            return .success(QUICPacketHeader(form: .versionNegotiation, destinationConnectionID: dcid, sourceConnectionID: scid, packetNumberOffset: reader.index, end: datagram.count))
        }
        guard version.isKnown else {
            return .success(QUICPacketHeader(form: .unknownVersion(version), destinationConnectionID: dcid, sourceConnectionID: scid, packetNumberOffset: reader.index, end: datagram.count))
        }
        guard dcidLength <= 20, scidLength <= 20 else { return .failure(.connectionIDTooLong(Int(max(dcidLength, scidLength)))) }
        let type = version.packetType(bits: first >> 4)
        if type == .retry {
            return .success(QUICPacketHeader(form: .long(.retry, version), destinationConnectionID: dcid, sourceConnectionID: scid, packetNumberOffset: reader.index, end: datagram.count))
        }
        if type == .initial {
            guard let tokenLength = reader.readLength(), reader.skip(tokenLength) else { return .failure(.truncated("Initial token")) }
        }
        guard let length = reader.readLength() else { return .failure(.truncated("packet length")) }
        let numberOffset = reader.index
        guard length <= reader.remaining else { return .failure(.lengthBeyondDatagram(length: length, available: reader.remaining)) }
        return .success(
            QUICPacketHeader(form: .long(type, version), destinationConnectionID: dcid, sourceConnectionID: scid, packetNumberOffset: numberOffset, end: numberOffset &+ length))
    }
}

/// Why a QUIC packet could not be read.
enum QUICPacketError: Error, Equatable, CustomStringConvertible {
    /// The datagram ends inside the named part.
    case truncated(String)
    /// A connection ID longer than QUIC v1 and v2 allow.
    case connectionIDTooLong(Int)
    /// The Length field runs past the datagram.
    case lengthBeyondDatagram(length: Int, available: Int)

    var description: String {
        switch self {
        case .truncated(let part): "packet cut short in its \(part)"
        case .connectionIDTooLong(let length): "connection ID of \(length) bytes (at most 20 allowed)"
        case .lengthBeyondDatagram(let length, let available): "Length \(length) runs past the \(available) bytes left in the datagram"
        }
    }
}
