import HarkCore
/// One request with its interim and final responses, as paired on a connection.
public struct HTTP1Exchange: Hashable, Sendable {
    /// Something worth flagging about the exchange.
    public enum Issue: Hashable, Sendable {
        /// No final response was seen; `reason` says why it is final that none will come.
        case noResponse(NoResponseReason)
        /// The request body did not arrive in full.
        case requestBodyIncomplete(missingBytes: Int)
        /// The response body did not arrive in full.
        case responseBodyIncomplete(missingBytes: Int)
        /// The request body was longer than `HTTP1Limits.maxBodyBytes`; only the start was kept.
        case requestBodyTruncated(keptBytes: Int)
        /// The response body was longer than `HTTP1Limits.maxBodyBytes`; only the start was kept.
        case responseBodyTruncated(keptBytes: Int)
        /// The server answered without a status line (HTTP/0.9 style).
        case http09Response
    }

    /// Why an exchange has no response.
    public enum NoResponseReason: Hashable, Sendable {
        /// The server's direction ended (FIN, RST or end of capture) first.
        case connectionEnded
        /// More requests were waiting for responses than `HTTP1Limits.maxPendingRequests`; the oldest
        /// was given up.
        case tooManyPendingRequests
        /// The connection switched protocols for an earlier request, so no HTTP/1 response can follow.
        case connectionUpgraded
        /// The response was lost in a capture gap: the server's bytes skipped a message boundary while
        /// a later request was already waiting, on a connection that had not pipelined.
        case lostInCaptureGap
    }

    /// The request.
    public var request: HTTP1Request
    /// Interim (1xx) responses before the final one, such as `100 Continue` or `103 Early Hints`.
    public var interimResponses: [HTTP1Response]
    /// The final response, nil when none was seen.
    public var response: HTTP1Response?
    /// Position of the request on the connection, from 0.
    public var index: Int
    /// How many earlier requests were still waiting for their final response when this request began:
    /// 0 for an ordinary request, more when pipelined.
    public var pipelineDepth: Int
    /// Flags for incomplete, truncated or unanswered messages, in the order found.
    public var issues: [Issue]

    /// An exchange from its parts.
    public init(
        request: HTTP1Request,
        interimResponses: [HTTP1Response] = [],
        response: HTTP1Response?,
        index: Int,
        pipelineDepth: Int,
        issues: [Issue] = []
    ) {
        self.request = request
        self.interimResponses = interimResponses
        self.response = response
        self.index = index
        self.pipelineDepth = pipelineDepth
        self.issues = issues
    }
}
