/// An HTTP/2 frame type code (RFC 9113 §6), kept as sent so that unknown and extension types survive.
public struct HTTP2FrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The type octet.
    public var rawValue: UInt8

    /// A frame type from its octet.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// RFC 9113 §6.1: request or response content.
    public static let data = HTTP2FrameType(rawValue: 0x0)
    /// RFC 9113 §6.2: opens a stream and carries a header block fragment.
    public static let headers = HTTP2FrameType(rawValue: 0x1)
    /// RFC 9113 §6.3: deprecated stream priority.
    public static let priority = HTTP2FrameType(rawValue: 0x2)
    /// RFC 9113 §6.4: immediate termination of a stream.
    public static let rstStream = HTTP2FrameType(rawValue: 0x3)
    /// RFC 9113 §6.5: connection configuration.
    public static let settings = HTTP2FrameType(rawValue: 0x4)
    /// RFC 9113 §6.6: a server push announcement with the promised request's header block.
    public static let pushPromise = HTTP2FrameType(rawValue: 0x5)
    /// RFC 9113 §6.7: round-trip measurement and liveness.
    public static let ping = HTTP2FrameType(rawValue: 0x6)
    /// RFC 9113 §6.8: connection shutdown with the last stream processed.
    public static let goaway = HTTP2FrameType(rawValue: 0x7)
    /// RFC 9113 §6.9: flow-control credit.
    public static let windowUpdate = HTTP2FrameType(rawValue: 0x8)
    /// RFC 9113 §6.10: the rest of a header block.
    public static let continuation = HTTP2FrameType(rawValue: 0x9)
    /// RFC 7838 §4: alternative service.
    public static let altsvc = HTTP2FrameType(rawValue: 0xa)
    /// RFC 8336: origin set.
    public static let origin = HTTP2FrameType(rawValue: 0xc)
    /// RFC 9218 §7.1: priority update.
    public static let priorityUpdate = HTTP2FrameType(rawValue: 0x10)

    /// The registered name (`HEADERS`), or `UNKNOWN(0x..)`.
    public var description: String {
        switch self {
        case .data: "DATA"
        case .headers: "HEADERS"
        case .priority: "PRIORITY"
        case .rstStream: "RST_STREAM"
        case .settings: "SETTINGS"
        case .pushPromise: "PUSH_PROMISE"
        case .ping: "PING"
        case .goaway: "GOAWAY"
        case .windowUpdate: "WINDOW_UPDATE"
        case .continuation: "CONTINUATION"
        case .altsvc: "ALTSVC"
        case .origin: "ORIGIN"
        case .priorityUpdate: "PRIORITY_UPDATE"
        default: "UNKNOWN(0x\(String(rawValue, radix: 16)))"
        }
    }

    /// Whether hark decodes this type (RFC 9113 §6 types); others are skipped and counted.
    var isCore: Bool { rawValue <= 0x9 }
}

/// The flags octet of a frame header; which bits mean what depends on the frame type.
public struct HTTP2FrameFlags: OptionSet, Hashable, Sendable {
    /// The flags octet.
    public var rawValue: UInt8

    /// Flags from their octet.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// DATA, HEADERS: the last frame the sender will send on the stream.
    public static let endStream = HTTP2FrameFlags(rawValue: 0x1)
    /// SETTINGS, PING: acknowledgement.
    public static let ack = HTTP2FrameFlags(rawValue: 0x1)
    /// HEADERS, PUSH_PROMISE, CONTINUATION: the header block ends in this frame.
    public static let endHeaders = HTTP2FrameFlags(rawValue: 0x4)
    /// DATA, HEADERS, PUSH_PROMISE: a pad length octet precedes the content.
    public static let padded = HTTP2FrameFlags(rawValue: 0x8)
    /// HEADERS: stream dependency and weight precede the header block fragment.
    public static let priority = HTTP2FrameFlags(rawValue: 0x20)
}

/// An RST_STREAM or GOAWAY error code (RFC 9113 §7), kept as sent.
public struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit code.
    public var rawValue: UInt32

    /// An error code from its value.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Graceful shutdown, not an error.
    public static let noError = HTTP2ErrorCode(rawValue: 0x0)
    /// An unspecific protocol error.
    public static let protocolError = HTTP2ErrorCode(rawValue: 0x1)
    /// An unexpected internal error.
    public static let internalError = HTTP2ErrorCode(rawValue: 0x2)
    /// The peer violated flow control.
    public static let flowControlError = HTTP2ErrorCode(rawValue: 0x3)
    /// SETTINGS was not acknowledged in time.
    public static let settingsTimeout = HTTP2ErrorCode(rawValue: 0x4)
    /// A frame arrived after the stream was half-closed.
    public static let streamClosed = HTTP2ErrorCode(rawValue: 0x5)
    /// A frame had an invalid size.
    public static let frameSizeError = HTTP2ErrorCode(rawValue: 0x6)
    /// The stream was refused before any processing.
    public static let refusedStream = HTTP2ErrorCode(rawValue: 0x7)
    /// The stream is no longer needed.
    public static let cancel = HTTP2ErrorCode(rawValue: 0x8)
    /// The header compression context could not be maintained.
    public static let compressionError = HTTP2ErrorCode(rawValue: 0x9)
    /// The CONNECT tunnel was reset or closed abnormally.
    public static let connectError = HTTP2ErrorCode(rawValue: 0xa)
    /// The peer is generating excessive load.
    public static let enhanceYourCalm = HTTP2ErrorCode(rawValue: 0xb)
    /// The transport does not meet minimum security requirements.
    public static let inadequateSecurity = HTTP2ErrorCode(rawValue: 0xc)
    /// HTTP/1.1 is required instead.
    public static let http11Required = HTTP2ErrorCode(rawValue: 0xd)

    /// The registered name (`CANCEL`), or `0x..` for unknown codes.
    public var description: String {
        switch self {
        case .noError: "NO_ERROR"
        case .protocolError: "PROTOCOL_ERROR"
        case .internalError: "INTERNAL_ERROR"
        case .flowControlError: "FLOW_CONTROL_ERROR"
        case .settingsTimeout: "SETTINGS_TIMEOUT"
        case .streamClosed: "STREAM_CLOSED"
        case .frameSizeError: "FRAME_SIZE_ERROR"
        case .refusedStream: "REFUSED_STREAM"
        case .cancel: "CANCEL"
        case .compressionError: "COMPRESSION_ERROR"
        case .connectError: "CONNECT_ERROR"
        case .enhanceYourCalm: "ENHANCE_YOUR_CALM"
        case .inadequateSecurity: "INADEQUATE_SECURITY"
        case .http11Required: "HTTP_1_1_REQUIRED"
        default: "0x\(String(rawValue, radix: 16))"
        }
    }
}

/// A SETTINGS parameter identifier (RFC 9113 §6.5.2), kept as sent.
public struct HTTP2SettingID: RawRepresentable, Hashable, Sendable {
    /// The 16-bit identifier.
    public var rawValue: UInt16

    /// A setting from its identifier.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// The largest HPACK dynamic table the sender's decoder allows (default 4096).
    public static let headerTableSize = HTTP2SettingID(rawValue: 0x1)
    /// Whether server push is allowed.
    public static let enablePush = HTTP2SettingID(rawValue: 0x2)
    /// The most concurrent streams the sender allows.
    public static let maxConcurrentStreams = HTTP2SettingID(rawValue: 0x3)
    /// The sender's initial stream flow-control window.
    public static let initialWindowSize = HTTP2SettingID(rawValue: 0x4)
    /// The largest frame payload the sender accepts (default 16384).
    public static let maxFrameSize = HTTP2SettingID(rawValue: 0x5)
    /// The largest header list the sender accepts.
    public static let maxHeaderListSize = HTTP2SettingID(rawValue: 0x6)
    /// SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3): 1 from a server that accepts extended CONNECT.
    public static let enableConnectProtocol = HTTP2SettingID(rawValue: 0x8)
}
