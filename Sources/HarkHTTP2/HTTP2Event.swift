public import HarkCore
public import NIOCore

/// What an `HTTP2Analyzer` reports, in the order it learns it.
public enum HTTP2Event: Hashable, Sendable {
    /// A stream's exchange, emitted when both sides ended, when it was reset, or at the end of the
    /// connection.
    case exchange(HTTP2Exchange)
    /// An extended CONNECT (RFC 8441 §4: `:method CONNECT` with `:protocol`) was answered with a 2xx:
    /// the exchange as it stands at that response (no bodies, not flagged incomplete), and the
    /// protocol the stream now carries. No `.exchange` follows for the stream; its DATA comes as
    /// `streamData`, its end as `streamEnded`.
    case streamSwitched(HTTP2Exchange, to: String)
    /// The content of a DATA frame on a switched stream, in order per direction.
    case streamData(streamID: UInt32, Direction, ByteBuffer, Timestamp)
    /// Bytes of a switched stream lost with a DATA frame cut by a capture gap.
    case streamGap(streamID: UInt32, Direction, length: Int, Timestamp)
    /// One direction of a switched stream ended, and why.
    case streamEnded(streamID: UInt32, Direction, Timestamp, SwitchedStreamEnd)
    /// A protocol anomaly; processing went on.
    case diagnostic(HTTP2Diagnostic)
}

/// Why one direction of a switched stream (RFC 8441) ended.
public enum SwitchedStreamEnd: Hashable, Sendable {
    /// Its sender set END_STREAM (RFC 8441 §5: the tunnelled protocol's FIN).
    case endStream
    /// The stream was reset with RST_STREAM by `by`'s sender (RFC 8441 §5: a TCP RST).
    case reset(HTTP2ErrorCode, by: Direction)
    /// The connection (or the capture) ended first.
    case connectionEnded
    /// More than `HTTP2Limits.maxOpenStreams` streams were open; this, the oldest, was given up.
    case tooManyStreams

    /// `the stream ended`, `the stream was reset (CANCEL) by the client`…: what cut a message short.
    public var description: String {
        switch self {
        case .endStream: "the stream ended"
        case .reset(let code, let by): "the stream was reset (\(code)) by the \(by == .clientToServer ? "client" : "server")"
        case .connectionEnded: "the connection ended"
        case .tooManyStreams: "too many streams were open"
        }
    }
}

/// A protocol anomaly on one direction of an HTTP/2 connection.
public struct HTTP2Diagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Hashable, Sendable {
        /// The client did not start with the connection preface; frame boundaries were searched for.
        case missingPreface
        /// Bytes that are not frames were skipped.
        case skippedBytes
        /// A frame was longer than the receiver's SETTINGS_MAX_FRAME_SIZE; it was parsed anyway.
        case frameTooLarge
        /// A frame was cut by a capture gap and dropped.
        case frameCutByGap(HTTP2FrameType)
        /// A frame's payload did not fit its type; it was skipped.
        case malformedFrame(HTTP2FrameType)
        /// A header block referenced dynamic table entries hark never saw (mid-connection capture).
        case unresolvedHeaderFields(count: Int)
        /// A header block could not be decoded past some point.
        case malformedHeaderBlock
        /// A header block exceeded `HTTP2Limits.maxHeaderListSize`.
        case headerListTooLarge
        /// A CONTINUATION arrived with no header block in progress, or another frame interrupted one.
        case unexpectedContinuation
        /// More than `HTTP2Limits.maxOpenStreams` streams were open.
        case tooManyStreams
        /// A gRPC body did not split into whole length-prefixed messages.
        case malformedGRPCMessages
        /// DATA on a stream after its sender's END_STREAM (RFC 9113 §5.1: a STREAM_CLOSED error); dropped.
        case dataAfterEndStream
        /// A switched stream (RFC 8441) was reset.
        case switchedStreamReset(HTTP2ErrorCode)
    }

    /// What was wrong.
    public var kind: Kind
    /// Which direction's bytes.
    public var direction: Direction
    /// Stream offset of the bytes concerned.
    public var streamOffset: Int64
    /// The HTTP/2 stream concerned, when one is.
    public var streamID: UInt32?
    /// Capture time of the segment where it was found.
    public var time: Timestamp
    /// More about it, when there is something to say.
    public var detail: String?

    /// A diagnostic from its parts.
    public init(
        _ kind: Kind,
        direction: Direction,
        streamOffset: Int64,
        streamID: UInt32? = nil,
        time: Timestamp,
        detail: String? = nil
    ) {
        self.kind = kind
        self.direction = direction
        self.streamOffset = streamOffset
        self.streamID = streamID
        self.time = time
        self.detail = detail
    }

    /// Whether output is missing because of it.
    public var severity: Diagnostic.Severity {
        switch kind {
        case .frameTooLarge, .missingPreface, .switchedStreamReset: .warning
        default: .error
        }
    }

    /// `client→server offset 120 stream 3: header block referenced 2 unknown dynamic table entries`.
    public var description: String {
        let what: String
        switch kind {
        case .missingPreface: what = "no connection preface; searching for frame boundaries"
        case .skippedBytes: what = "bytes skipped: not HTTP/2 frames"
        case .frameTooLarge: what = "frame larger than SETTINGS_MAX_FRAME_SIZE"
        case .frameCutByGap(let type): what = "\(type) frame cut by a capture gap, dropped"
        case .malformedFrame(let type): what = "malformed \(type) frame skipped"
        case .unresolvedHeaderFields(let count):
            what = "header block referenced \(count) dynamic table entries sent before the capture"
        case .malformedHeaderBlock: what = "header block could not be fully decoded"
        case .headerListTooLarge: what = "header list larger than the limit, rest dropped"
        case .unexpectedContinuation: what = "CONTINUATION out of place"
        case .tooManyStreams: what = "too many open streams; oldest emitted incomplete"
        case .malformedGRPCMessages: what = "gRPC body is not whole length-prefixed messages"
        case .dataAfterEndStream: what = "DATA after the sender's END_STREAM, dropped"
        case .switchedStreamReset(let code): what = "stream carrying another protocol reset (\(code))"
        }
        let stream = streamID.map { " stream \($0)" } ?? ""
        let detailText = detail.map { " (\($0))" } ?? ""
        return "\(direction) offset \(streamOffset)\(stream): \(what)\(detailText)"
    }

    /// The anomaly as a run-wide `Diagnostic`, for a connection numbered `connectionID`.
    public func diagnostic(connectionID: Int? = nil) -> Diagnostic {
        Diagnostic(severity, "HTTP/2: \(description)", connectionID: connectionID)
    }
}
