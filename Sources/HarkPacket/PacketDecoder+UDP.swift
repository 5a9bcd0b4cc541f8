import HarkCore
import NIOCore

extension PacketDecoder {
    /// Decodes a UDP header (RFC 768) into a datagram whose payload is a slice of `buffer`. The length
    /// field bounds the payload (bytes after it are link padding); a length below the header or beyond
    /// the IP payload is malformed. Checksums are not checked.
    ///
    /// - Parameters:
    ///   - offset: where the UDP header starts in `bytes`.
    ///   - captured: how many bytes of the IP payload from `offset` were captured (never beyond `declared`).
    ///   - declared: how many bytes the IP header says follow from `offset`.
    static func decodeUDP(
        from source: IPAddress,
        to destination: IPAddress,
        in bytes: WireBytes,
        of buffer: ByteBuffer,
        at offset: Int,
        captured: Int,
        declared: Int
    ) -> DecodedPacket {
        if let problem = boundsProblem(headerStart: 0, headerEnd: 8, captured: captured, declared: declared) {
            return malformed(.udp, at: offset, problem)
        }
        guard let sourcePort = bytes.uint16(offset),
            let destinationPort = bytes.uint16(offset &+ 2),
            let lengthField = bytes.uint16(offset &+ 4)
        else { return malformed(.udp, at: offset, .truncated(needed: 8, captured: captured)) }
        let udpLength = Int(lengthField)
        guard udpLength >= 8, udpLength <= declared else {
            return malformed(.udp, at: offset, .udpLengthOutOfRange(udpLength: udpLength, ipPayloadLength: declared))
        }
        let payloadLength = udpLength &- 8
        let capturedPayload = min(payloadLength, captured &- 8)
        guard let payload = buffer.getSlice(at: buffer.readerIndex &+ offset &+ 8, length: capturedPayload) else {
            return malformed(.udp, at: offset, .truncated(needed: udpLength, captured: captured))
        }
        return .udp(
            UDPDatagram(
                source: Endpoint(address: source, port: sourcePort),
                destination: Endpoint(address: destination, port: destinationPort),
                payload: payload,
                payloadLength: payloadLength
            )
        )
    }
}
