public import HarkCore
import NIOCore

/// The TLS session an exchange travelled in, written as the entry's `_tls` object. Each member is
/// written only when known.
public struct HARTLS: Hashable, Sendable {
    /// The negotiated protocol version, e.g. `TLS 1.3`.
    public var version: String?
    /// The negotiated cipher suite's IANA name, e.g. `TLS_AES_128_GCM_SHA256`.
    public var cipherSuite: String?
    /// The server name the client asked for (SNI).
    public var serverName: String?
    /// The negotiated application protocol (ALPN), e.g. `h2`.
    public var alpn: String?

    public init(version: String? = nil, cipherSuite: String? = nil, serverName: String? = nil, alpn: String? = nil) {
        self.version = version
        self.cipherSuite = cipherSuite
        self.serverName = serverName
        self.alpn = alpn
    }
}

/// gRPC call details, written as the entry's `_grpc` object. Each member is written only when known;
/// the message arrays always, the omitted counts when not zero.
public struct HARGRPC: Hashable, Sendable {
    /// The service, from the request path `/<service>/<method>`.
    public var service: String?
    /// The method, from the request path.
    public var method: String?
    /// The `grpc-status` code from the trailers (0 is OK).
    public var status: Int?
    /// The `grpc-message` from the trailers, percent-decoded.
    public var statusMessage: String?
    /// The client's first messages, in order (`requestMessages`).
    public var requestMessages: [HARGRPCMessage]
    /// The server's first messages, in order (`responseMessages`).
    public var responseMessages: [HARGRPCMessage]
    /// The client's messages not written (`omittedRequestMessages`).
    public var omittedRequestMessages: Int
    /// The server's messages not written (`omittedResponseMessages`).
    public var omittedResponseMessages: Int

    public init(
        service: String? = nil,
        method: String? = nil,
        status: Int? = nil,
        statusMessage: String? = nil,
        requestMessages: [HARGRPCMessage] = [],
        responseMessages: [HARGRPCMessage] = [],
        omittedRequestMessages: Int = 0,
        omittedResponseMessages: Int = 0
    ) {
        self.service = service
        self.method = method
        self.status = status
        self.statusMessage = statusMessage
        self.requestMessages = requestMessages
        self.responseMessages = responseMessages
        self.omittedRequestMessages = omittedRequestMessages
        self.omittedResponseMessages = omittedResponseMessages
    }
}

/// One WebSocket message, in the shape Chrome writes and imports in `_webSocketMessages`:
/// `{"type": "send"|"receive", "time": <seconds since the epoch>, "opcode": <n>, "data": <text>}`.
///
/// Text messages (opcode 1) whose payload is valid UTF-8 are written as text; other payloads as base64,
/// which is what Chrome does for binary frames.
public struct HARWebSocketMessage: Hashable, Sendable {
    /// Which way the message went.
    public struct Kind: RawRepresentable, Hashable, Sendable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Client to server.
        public static let send = Kind(rawValue: "send")
        /// Server to client.
        public static let receive = Kind(rawValue: "receive")
    }

    /// Which way the message went.
    public var type: Kind
    /// When it was sent (its first frame); written as seconds with microseconds.
    public var time: Timestamp
    /// The frame opcode (RFC 6455 §5.2): 1 text, 2 binary, 8 close, 9 ping, 10 pong.
    public var opcode: UInt8
    /// The unmasked payload, fragments joined, inflated.
    public var data: BodyStorage

    public init(type: Kind, time: Timestamp, opcode: UInt8, data: BodyStorage) {
        self.type = type
        self.time = time
        self.opcode = opcode
        self.data = data
    }
}
