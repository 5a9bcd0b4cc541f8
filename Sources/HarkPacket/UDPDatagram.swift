public import HarkCore
public import NIOCore

/// One decoded UDP datagram (RFC 768): its endpoints and its payload as a zero-copy slice of the
/// captured frame (or of a datagram rebuilt from IP fragments).
public struct UDPDatagram: Sendable {
    /// Sender address and port.
    public var source: Endpoint
    /// Receiver address and port.
    public var destination: Endpoint
    /// The payload bytes that were captured; fewer than `payloadLength` when the frame was cut by the
    /// snapshot length.
    public var payload: ByteBuffer
    /// The payload length the UDP header declares.
    public var payloadLength: Int

    public init(source: Endpoint, destination: Endpoint, payload: ByteBuffer, payloadLength: Int? = nil) {
        self.source = source
        self.destination = destination
        self.payload = payload
        self.payloadLength = payloadLength ?? payload.readableBytes
    }

    /// Whether bytes of the payload were not captured.
    public var isTruncated: Bool { payload.readableBytes < payloadLength }
}
