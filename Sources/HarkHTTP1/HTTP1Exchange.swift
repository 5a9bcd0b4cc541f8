public import HarkCore
import NIOCore

/// One request with its interim and final responses, as paired on a connection.
public struct HTTP1Exchange: Hashable, Sendable {
    /// Something worth flagging about the exchange.
    public enum Issue: Hashable, Sendable {
        /// No final response was seen; `reason` says why it is final that none will come.
        case noResponse(NoResponseReason)
        /// A capture gap or the end of the stream cut the request head after its request line; the
        /// fields after the cut and the body are unknown.
        case requestHeadIncomplete
        /// A capture gap or the end of the stream cut the response head after its status line; the
        /// fields after the cut and the body are unknown.
        case responseHeadIncomplete
        /// The request body did not arrive in full.
        case requestBodyIncomplete(missingBytes: Int)
        /// The response body did not arrive in full.
        case responseBodyIncomplete(missingBytes: Int)
        /// The request body was longer than `HTTP1Limits.maxBodyBytes`; only the start was kept. (A
        /// limit of 0, which keeps no body at all, is not flagged.)
        case requestBodyTruncated(keptBytes: Int)
        /// The response body was longer than `HTTP1Limits.maxBodyBytes`; only the start was kept.
        case responseBodyTruncated(keptBytes: Int)
        /// The request body, or its decoded form, could not all be stored (disk budget used up, disk
        /// full); the error says how much was kept.
        case requestBodyNotStored(BodyStorageError)
        /// The response body, or its decoded form, could not all be stored.
        case responseBodyNotStored(BodyStorageError)
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
        /// The session's budget for requests waiting for responses (`HTTP1Limits.waitingRequests`) was
        /// used up when a later request on the connection came: the oldest waiting one was given up.
        case sessionBudgetUsedUp
    }

    /// The request.
    public var request: HTTP1Request
    /// Interim (1xx) responses before the final one, such as `100 Continue` or `103 Early Hints`.
    public var interimResponses: [HTTP1Response]
    /// The final response, nil when none was seen.
    public var response: Optional<HTTP1Response>  // not `HTTP1Response?`: see `init`
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
        // `response` is spelled `Optional<…>`, not `…?`: a `var` spelled `T?` starts out nil before the
        // initializer runs, and then this compiler built the exchange aside and copied it out.
        self.response = response
        self.index = index
        self.pipelineDepth = pipelineDepth
        self.issues = issues
    }
}

extension HTTP1Request {
    /// What is wrong with the request on its own: a head or body cut short, a body over the limit.
    public var issues: [HTTP1Exchange.Issue] {
        var issues: [HTTP1Exchange.Issue] = []
        if !isHeadComplete {
            issues.append(.requestHeadIncomplete)
        } else if !body.isComplete {
            issues.append(.requestBodyIncomplete(missingBytes: body.missingBytes))
        }
        if let failure = body.storageError {
            issues.append(.requestBodyNotStored(failure))
        } else if body.isTruncated, !body.bytes.isEmpty {
            issues.append(.requestBodyTruncated(keptBytes: body.bytes.count))
        }
        return issues
    }
}

extension HTTP1Response {
    /// What is wrong with the response on its own: no status line, a head or body cut short, a body
    /// over the limit.
    public var issues: [HTTP1Exchange.Issue] {
        var issues: [HTTP1Exchange.Issue] = []
        if isHTTP09 { issues.append(.http09Response) }
        if !isHeadComplete {
            issues.append(.responseHeadIncomplete)
        } else if !body.isComplete {
            issues.append(.responseBodyIncomplete(missingBytes: body.missingBytes))
        }
        if let failure = body.storageError {
            issues.append(.responseBodyNotStored(failure))
        } else if body.isTruncated, !body.bytes.isEmpty {
            issues.append(.responseBodyTruncated(keptBytes: body.bytes.count))
        }
        return issues
    }
}
