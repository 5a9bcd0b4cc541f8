public import HarkCore

/// A protocol anomaly on one direction of a connection: where it is in the stream and what was wrong.
public struct HTTP1Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Hashable, Sendable {
        /// Bytes that are not an HTTP message were skipped until the next plausible message start.
        case unparseableBytes
        /// A head grew past `HTTP1Limits.maxHeadBytes` without ending; it was skipped.
        case headTooLarge
        /// A head had more fields than `HTTP1Limits.maxHeaderCount`; the rest were dropped.
        case tooManyHeaders
        /// A header line without a colon or with an empty name was ignored.
        case malformedHeaderLine
        /// A request line lacked a well-formed target or version; it was read leniently.
        case malformedRequestLine
        /// `Content-Length` was not a number, or repeated with different values.
        case invalidContentLength
        /// Both `Transfer-Encoding` and `Content-Length` were sent; chunked framing was used.
        case conflictingFraming
        /// A request's `Transfer-Encoding` does not end in `chunked`; its length is unknown and it was
        /// treated as having no body.
        case unsupportedTransferEncoding
        /// A chunk-size line was not hexadecimal or was too long; the body ends there.
        case invalidChunkSize
        /// Chunk data was not followed by CRLF.
        case missingChunkTerminator
        /// Bytes of a head were lost in capture before its start line was complete; the message was
        /// dropped.
        case gapInHead
        /// Bytes of a head were lost in capture after its start line; the message was kept with the
        /// fields captured before the gap, flagged as having an incomplete head.
        case headCutByGap
        /// Bytes of chunk framing were lost in capture; the body ends there.
        case gapInChunkedBody
        /// The direction ended in the middle of a head, after its start line; the message was kept with
        /// the fields that arrived, flagged as having an incomplete head.
        case truncatedHead
        /// The server answered with bytes that are not a status line; taken as an HTTP/0.9 response.
        case http09Response
        /// More client bytes followed an `Upgrade`/`CONNECT` request than `HTTP1Limits.maxHeldBytes`
        /// before its answer; they were parsed as HTTP.
        case heldBytesOverflow
    }

    /// What was wrong.
    public var kind: Kind
    /// Which direction's bytes.
    public var direction: Direction
    /// Stream offset of the first byte concerned.
    public var streamOffset: Int64
    /// Number of bytes concerned (0 when the anomaly is about a position).
    public var length: Int
    /// Capture time of the segment where it was found.
    public var time: Timestamp
    /// The offending text or value, shortened, when there is one.
    public var detail: String?
    /// The number of the packet holding the first byte concerned, when it is not the packet being
    /// read when the anomaly was found (bytes skipped over several packets); 0 otherwise.
    public var packet = 0

    /// A diagnostic of `kind` at `streamOffset` in `direction`.
    public init(
        _ kind: Kind,
        direction: Direction,
        streamOffset: Int64,
        length: Int,
        time: Timestamp,
        detail: String? = nil
    ) {
        self.kind = kind
        self.direction = direction
        self.streamOffset = streamOffset
        self.length = length
        self.time = time
        self.detail = detail
    }

    /// Whether output is missing because of it (`.error`) or only unusual (`.warning`).
    public var severity: Diagnostic.Severity {
        switch kind {
        case .unparseableBytes, .headTooLarge, .gapInHead, .headCutByGap, .gapInChunkedBody, .truncatedHead,
            .invalidChunkSize, .tooManyHeaders:
            .error
        case .malformedHeaderLine, .malformedRequestLine, .invalidContentLength, .conflictingFraming,
            .unsupportedTransferEncoding,
            .missingChunkTerminator, .http09Response, .heldBytesOverflow:
            .warning
        }
    }

    /// `client→server offset 120 (+35 bytes): malformed header line "Foo"`.
    public var description: String {
        let what: String
        switch kind {
        case .unparseableBytes: what = "bytes skipped: not an HTTP message"
        case .headTooLarge: what = "head larger than the limit, skipped"
        case .tooManyHeaders: what = "too many header fields, the rest dropped"
        case .malformedHeaderLine: what = "malformed header line ignored"
        case .malformedRequestLine: what = "malformed request line read leniently"
        case .invalidContentLength: what = "invalid Content-Length"
        case .conflictingFraming: what = "both Transfer-Encoding and Content-Length; chunked framing used"
        case .unsupportedTransferEncoding: what = "request Transfer-Encoding without chunked; body length unknown"
        case .invalidChunkSize: what = "invalid chunk size line; body ends here"
        case .missingChunkTerminator: what = "chunk data not followed by CRLF"
        case .gapInHead: what = "bytes lost in capture inside a head; message dropped"
        case .headCutByGap: what = "bytes lost in capture inside a head; message kept with the fields before the gap"
        case .gapInChunkedBody: what = "bytes lost in capture inside chunk framing; body ends here"
        case .truncatedHead: what = "stream ended inside a head; message kept with the fields that arrived"
        case .http09Response: what = "response without status line, taken as HTTP/0.9"
        case .heldBytesOverflow: what = "too many bytes after an Upgrade/CONNECT request before its answer"
        }
        let detailText = detail.map { " \"\($0)\"" } ?? ""
        let lengthText = length > 0 ? " (+\(length) bytes)" : ""
        return "\(direction) offset \(streamOffset)\(lengthText): \(what)\(detailText)"
    }

    /// The anomaly as a run-wide `Diagnostic`, for a connection numbered `connectionID` (with
    /// `packet` as its packet number when known).
    public func diagnostic(connectionID: Int? = nil) -> Diagnostic {
        Diagnostic(severity, "HTTP/1: \(description)", packetNumber: packet > 0 ? packet : nil, connectionID: connectionID)
    }
}
