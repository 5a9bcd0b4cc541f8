import HarkCore
import HarkModel
import HarkWebSocket

/// Maps message-protocol analyzer results onto the protocol-neutral `ConnectionMessage`.
enum MessageMapper {
    /// A WebSocket message: opcode and its name, the payload as a body (`permessage-deflate` as its
    /// coding when it was compressed), close code and reason.
    static func message(
        from message: WebSocketMessage,
        id: Int,
        exchangeID: Int?,
        streamID: UInt32?,
        position: Int,
        connection: ConnectionContext
    ) -> ConnectionMessage {
        var mapped = ConnectionMessage(
            id: id,
            connection: connection,
            applicationProtocol: .webSocket,
            exchangeID: exchangeID,
            streamID: streamID,
            indexOnConnection: position,
            direction: message.direction,
            opcode: Int(message.opcode.rawValue),
            kind: message.opcode.description,
            isText: message.opcode == .text,
            firstByte: message.firstFrameTime,
            lastByte: message.lastFrameTime,
            frameCount: message.frameCount,
            payload: HTTPMessageBody(
                bytes: message.payload,
                decoded: message.isCompressed ? message.payload : nil,
                decodedLength: message.isCompressed ? message.length : nil,
                length: message.length,
                wireBytes: message.wireLength,
                isComplete: message.isComplete,
                contentCodings: message.isCompressed ? ["permessage-deflate"] : [],
                decodingError: message.problem
            ),
            closeCode: message.closeCode.map(Int.init),
            closeReason: message.closeReason
        )
        mapped.packets = PacketSpan(known: message.firstPacket, message.lastPacket)
        return mapped
    }
}
