public import HarkCore
public import HarkContentCoding
public import NIOCore

/// A gRPC call carried by an exchange (`content-type: application/grpc*`): its messages in both
/// directions and its status.
public struct GRPCCall: Hashable, Sendable {
    /// One length-prefixed message (gRPC over HTTP/2, "Length-Prefixed-Message").
    public struct Message: Hashable, Sendable {
        /// Whether the compressed flag was set.
        public var isCompressed: Bool
        /// The declared message length, in octets, as sent.
        public var wireLength: Int
        /// The message bytes, decompressed when compressed with a supported `grpc-encoding`.
        public var payload: ByteBuffer
        /// Why decompression failed, when it did; `payload` is then the compressed bytes.
        public var decodingError: ContentDecodingError?

        /// A message from its parts.
        public init(isCompressed: Bool, wireLength: Int, payload: ByteBuffer, decodingError: ContentDecodingError? = nil) {
            self.isCompressed = isCompressed
            self.wireLength = wireLength
            self.payload = payload
            self.decodingError = decodingError
        }

        /// The payload read as protobuf wire format, nil when it does not parse as such.
        public var protobufFields: [ProtobufField]? { ProtobufWireDecoder.decode(payload) }
    }

    /// The service from `:path` (`/package.Service/Method`).
    public var service: String?
    /// The method from `:path`.
    public var method: String?
    /// Request messages (at most `HTTP2Limits.maxGRPCMessages`).
    public var requestMessages: [Message]
    /// Response messages (at most `HTTP2Limits.maxGRPCMessages`).
    public var responseMessages: [Message]
    /// Request messages seen, including those not kept.
    public var requestMessageCount: Int
    /// Response messages seen, including those not kept.
    public var responseMessageCount: Int
    /// `grpc-status` (0 is OK), from the trailers or a trailers-only response.
    public var status: Int?
    /// `grpc-message`, percent-decoded.
    public var statusMessage: String?
    /// Whether the response was trailers-only (a single HEADERS with END_STREAM and the status).
    public var isTrailersOnly: Bool
    /// Whether a body did not split into whole messages (cut, truncated or not gRPC framing).
    public var hasIncompleteMessages: Bool

    /// The gRPC view of `exchange`, nil when it is not a gRPC call.
    init?(exchange: HTTP2Exchange, limits: HTTP2Limits) {
        let contentType = exchange.request?.headers.first("content-type") ?? exchange.response?.headers.first("content-type")
        guard let contentType, contentType.lowercased().hasPrefix("application/grpc") else { return nil }
        if let path = exchange.request?.path {
            let parts = path.split(separator: "/", omittingEmptySubsequences: true)
            if parts.count == 2 {
                service = String(parts[0])
                method = String(parts[1])
            }
        }
        var incomplete = false
        let request = Self.split(
            exchange.request?.body, encoding: exchange.request?.headers.first("grpc-encoding"), limits: limits,
            incomplete: &incomplete)
        let response = Self.split(
            exchange.response?.body, encoding: exchange.response?.headers.first("grpc-encoding"), limits: limits,
            incomplete: &incomplete)
        (requestMessages, requestMessageCount) = request
        (responseMessages, responseMessageCount) = response
        hasIncompleteMessages = incomplete
        let trailers = exchange.response?.trailers
        isTrailersOnly = trailers == nil && exchange.response?.headers.contains("grpc-status") == true
        let statusFields = trailers?.fields ?? exchange.response?.headers
        status = statusFields?.first("grpc-status").flatMap { Int($0) }
        statusMessage = statusFields?.first("grpc-message").map(Self.percentDecoded)
    }

    /// Splits a body into length-prefixed messages, reading it chunk by chunk; message bytes are kept
    /// within `limits.maxGRPCMessages` and `limits.maxGRPCMessageBytes`.
    private static func split(
        _ body: HTTP2Body?,
        encoding: String?,
        limits: HTTP2Limits,
        incomplete: inout Bool
    ) -> ([Message], Int) {
        guard let body else { return ([], 0) }
        if body.isTruncated || body.missingBytes > 0 { incomplete = true }
        var splitter = GRPCMessageSplitter()
        var messages: [Message] = []
        var count = 0
        var keptBytes = 0
        var keeping = true
        let coding = encoding.map(ContentCoding.init(rawValue:))
        // The first messages are kept, up to the first that does not fit; later ones are only counted.
        let keep: (Int) -> Bool = { length in
            keeping = keeping && messages.count < limits.maxGRPCMessages && length <= limits.maxGRPCMessageBytes &- keptBytes
            return keeping
        }
        let take: (GRPCMessageSplitter.Frame) -> Void = { frame in
            count += 1
            guard let payload = frame.payload else { return }
            var message = Message(isCompressed: frame.flags & 1 == 1, wireLength: frame.length, payload: payload)
            if message.isCompressed, let coding, coding != .identity {
                let room = max(1, limits.maxGRPCMessageBytes &- keptBytes)
                let result = ContentDecoder.decode(payload, codings: [coding], maxOutputBytes: room)
                if case .outputLimitExceeded = result.error?.kind {
                    keeping = false  // decompressed, it does not fit: counted only, like those after it
                    return
                }
                if result.error == nil { message.payload = result.decoded } else { message.decodingError = result.error }
            }
            keptBytes &+= message.payload.readableBytes
            messages.append(message)
        }
        var chunks = body.bytes.chunks()
        do {
            while let chunk = try chunks.next() {
                splitter.feed(chunk, keep: keep, emit: take)
            }
        } catch {
            incomplete = true
        }
        if splitter.isMidMessage { incomplete = true }
        return (messages, count)
    }

    /// `grpc-message` is percent-encoded (gRPC over HTTP/2, "Status-Message").
    private static func percentDecoded(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            let high = iterator.next()
            let low = iterator.next()
            if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                bytes.append(value)
            } else {
                bytes.append(byte)
                if let high { bytes.append(high) }
                if let low { bytes.append(low) }
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
