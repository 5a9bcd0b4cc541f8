public import HarkCore
public import NIOCore

/// What a gRPC call carried, for outputs: the method called, the messages each way, and the status from
/// the trailers.
public struct GRPCSummary: Hashable, Sendable {
    /// The service, from the path (`/package.Service/Method`).
    public var service: String?
    /// The method, from the path.
    public var method: String?
    /// `grpc-status`, when the trailers (or a trailers-only response) were captured.
    public var status: Int?
    /// `grpc-message`, percent-decoded.
    public var statusMessage: String?
    /// Length-prefixed messages sent by the client, including those not kept in `requestMessages`.
    public var requestMessageCount: Int
    /// Length-prefixed messages sent by the server, including those not kept in `responseMessages`.
    public var responseMessageCount: Int
    /// The client's messages in order (at most the analyzer's limit, `HTTP2Limits.maxGRPCMessages`).
    public var requestMessages: [GRPCMessage]
    /// The server's messages in order (at most the analyzer's limit).
    public var responseMessages: [GRPCMessage]

    /// A summary from its parts; the message lists default to empty (counts only).
    public init(
        service: String?,
        method: String?,
        status: Int?,
        statusMessage: String?,
        requestMessageCount: Int,
        responseMessageCount: Int,
        requestMessages: [GRPCMessage] = [],
        responseMessages: [GRPCMessage] = []
    ) {
        self.service = service
        self.method = method
        self.status = status
        self.statusMessage = statusMessage
        self.requestMessageCount = requestMessageCount
        self.responseMessageCount = responseMessageCount
        self.requestMessages = requestMessages
        self.responseMessages = responseMessages
    }
}

/// One gRPC length-prefixed message ("Length-Prefixed-Message" in gRPC over HTTP/2).
public struct GRPCMessage: Hashable, Sendable {
    /// Whether the compressed flag was set.
    public var isCompressed: Bool
    /// The declared message length, in octets, as sent.
    public var wireLength: Int
    /// The message bytes, decompressed when compressed with a supported `grpc-encoding`; a slice of the
    /// body's storage otherwise.
    public var payload: ByteBuffer
    /// Why decompression failed, when it did; `payload` is then the compressed bytes.
    public var decodingError: String?

    /// A message from its parts.
    public init(isCompressed: Bool, wireLength: Int, payload: ByteBuffer, decodingError: String? = nil) {
        self.isCompressed = isCompressed
        self.wireLength = wireLength
        self.payload = payload
        self.decodingError = decodingError
    }

    /// The payload read as protobuf wire format without a schema; nil when it is not (or is empty).
    /// Decoded on each call: outputs ask for it only for the messages they show.
    public var protobufFields: [ProtobufField]? { ProtobufWireDecoder.decode(payload) }
}
