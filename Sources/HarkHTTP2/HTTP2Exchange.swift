public import HarkCore

/// One stream's request with its interim and final responses.
public struct HTTP2Exchange: Hashable, Sendable {
    /// Something worth flagging about the exchange.
    public enum Issue: Hashable, Sendable {
        /// The stream was reset with RST_STREAM by `by`'s sender.
        case reset(HTTP2ErrorCode, by: Direction)
        /// The stream is above the last stream id of a GOAWAY: the peer did not process it.
        case abandonedByGoaway(lastStreamID: UInt32, errorCode: HTTP2ErrorCode)
        /// The request's HEADERS were never seen (the capture started later, or they were lost).
        case noRequestSeen
        /// No END_STREAM was seen from the client.
        case requestIncomplete(IncompleteReason)
        /// No END_STREAM was seen from the server (or no response at all).
        case responseIncomplete(IncompleteReason)
        /// A header block of `direction` was only partly decoded (see `HTTP2HeaderBlock.isPartial`).
        case headersPartial(Direction)
        /// The request's `:path` is a literal value whose field name was a dynamic table entry sent
        /// before the capture (see `HTTP2HeaderBlock.inferPathFromUnresolvedField()`).
        case pathInferred
        /// Bytes of the stream were lost in capture gaps.
        case bytesMissing(Direction, count: Int)
        /// A body was longer than `HTTP2Limits.maxBodyBytes`; only the start was kept. (A limit of 0,
        /// which keeps no body at all, is not flagged.)
        case bodyTruncated(Direction, keptBytes: Int)
        /// A body, or its decoded form, could not all be stored (disk budget used up, disk full); the
        /// error says how much was kept.
        case bodyNotStored(Direction, BodyStorageError)
    }

    /// Why a side of an exchange did not end.
    public enum IncompleteReason: Hashable, Sendable {
        /// The connection (or the capture) ended first.
        case connectionEnded
        /// More than `HTTP2Limits.maxOpenStreams` streams were open; this, the oldest, was given up.
        case tooManyStreams
        /// The stream was reset.
        case reset
        /// The session's budget for requests waiting for responses (`HTTP2Limits.waitingRequests`) was
        /// used up when a later stream opened on the connection: this, its oldest waiting, was given up.
        case sessionBudgetUsedUp
        /// The same budget was used up and the connection had no stream waiting for a response: this,
        /// its oldest stream opened without a request (by DATA or a response), was given up.
        case sessionStreamBudgetUsedUp
    }

    /// The stream identifier.
    public var streamID: UInt32
    /// The request, nil when its HEADERS were not seen.
    public var request: HTTP2Request?
    /// Interim (1xx) responses before the final one.
    public var interimResponses: [HTTP2Response]
    /// The final response, nil when none was seen.
    public var response: HTTP2Response?
    /// For a pushed exchange, the stream whose PUSH_PROMISE announced it; the request is the promised one.
    public var promisedOn: UInt32?
    /// gRPC messages and status, for `application/grpc` exchanges.
    public var grpc: GRPCCall?
    /// Flags for incomplete, reset or partial exchanges, in the order found.
    public var issues: [Issue]

    /// An exchange from its parts.
    public init(
        streamID: UInt32,
        request: HTTP2Request?,
        interimResponses: [HTTP2Response] = [],
        response: HTTP2Response?,
        promisedOn: UInt32? = nil,
        grpc: GRPCCall? = nil,
        issues: [Issue] = []
    ) {
        self.streamID = streamID
        self.request = request
        self.interimResponses = interimResponses
        self.response = response
        self.promisedOn = promisedOn
        self.grpc = grpc
        self.issues = issues
    }

    /// Whether the server pushed this exchange (RFC 9113 §8.4).
    public var isPushed: Bool { promisedOn != nil }
}
