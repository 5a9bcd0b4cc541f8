public import HarkCore
public import NIOCore

/// The nine-octet header every HTTP/2 frame starts with (RFC 9113 §4.1).
public struct HTTP2FrameHeader: Hashable, Sendable {
    /// Payload length in octets, as declared.
    public var length: Int
    /// The frame type.
    public var type: HTTP2FrameType
    /// The flags octet.
    public var flags: HTTP2FrameFlags
    /// The stream identifier, reserved bit cleared.
    public var streamID: UInt32

    /// A frame header from its fields.
    public init(length: Int, type: HTTP2FrameType, flags: HTTP2FrameFlags, streamID: UInt32) {
        self.length = length
        self.type = type
        self.flags = flags
        self.streamID = streamID
    }
}

/// One SETTINGS parameter as sent.
public struct HTTP2Setting: Hashable, Sendable {
    /// Which parameter.
    public var id: HTTP2SettingID
    /// Its value.
    public var value: UInt32

    /// A setting from its identifier and value.
    public init(id: HTTP2SettingID, value: UInt32) {
        self.id = id
        self.value = value
    }
}

/// A parsed HTTP/2 frame: its header and the decoded payload. Buffers may share storage with the
/// capture: copy what you keep.
public struct HTTP2Frame: Hashable, Sendable {
    /// What a frame carries, by type, with padding and priority fields removed.
    public enum Payload: Hashable, Sendable {
        /// DATA content, padding removed.
        case data(ByteBuffer)
        /// A HEADERS header block fragment, padding and priority fields removed.
        case headers(ByteBuffer)
        /// PRIORITY (deprecated; fields skipped).
        case priority
        /// RST_STREAM with its error code.
        case rstStream(HTTP2ErrorCode)
        /// SETTINGS parameters in order (empty for an acknowledgement).
        case settings([HTTP2Setting])
        /// PUSH_PROMISE: the promised stream and the promised request's header block fragment.
        case pushPromise(promisedStreamID: UInt32, fragment: ByteBuffer)
        /// PING opaque data.
        case ping(UInt64)
        /// GOAWAY: the last stream the sender processed, the error code and debug data.
        case goaway(lastStreamID: UInt32, errorCode: HTTP2ErrorCode, debugData: ByteBuffer)
        /// WINDOW_UPDATE increment.
        case windowUpdate(UInt32)
        /// CONTINUATION header block fragment.
        case continuation(ByteBuffer)
        /// A frame of a type hark does not decode (extension or unknown), skipped.
        case unknown
        /// A frame whose payload does not fit its type (wrong fixed length, padding longer than the
        /// payload); its content was skipped.
        case malformed(String)
    }

    /// The frame header.
    public var header: HTTP2FrameHeader
    /// The decoded payload.
    public var payload: Payload
    /// Stream offset of the frame's first octet in its direction.
    public var streamOffset: Int64

    /// A frame from its parts.
    public init(header: HTTP2FrameHeader, payload: Payload, streamOffset: Int64) {
        self.header = header
        self.payload = payload
        self.streamOffset = streamOffset
    }
}

extension HTTP2FrameHeader {
    /// Reads a frame header at `index` without consuming, or nil when fewer than nine bytes are there.
    static func peek(_ buffer: ByteBuffer, at index: Int) -> HTTP2FrameHeader? {
        guard index >= buffer.readerIndex, buffer.writerIndex - index >= 9,
            let high = buffer.getInteger(at: index, as: UInt16.self),
            let low = buffer.getInteger(at: index + 2, as: UInt8.self),
            let type = buffer.getInteger(at: index + 3, as: UInt8.self),
            let flags = buffer.getInteger(at: index + 4, as: UInt8.self),
            let stream = buffer.getInteger(at: index + 5, as: UInt32.self)
        else { return nil }
        return HTTP2FrameHeader(
            length: Int(high) << 8 | Int(low),
            type: HTTP2FrameType(rawValue: type),
            flags: HTTP2FrameFlags(rawValue: flags),
            streamID: stream & 0x7fff_ffff
        )
    }

    /// Whether this header is a believable frame start, for finding frame boundaries mid-connection:
    /// a core type, a length within `maxLength`, the stream rules and fixed lengths of RFC 9113 §6,
    /// and only flags the type defines.
    func isPlausible(maxLength: Int) -> Bool {
        guard length <= maxLength, type.isCore else { return false }
        let connectionLevel = streamID == 0
        switch type {
        case .data: return !connectionLevel && flags.rawValue & ~0x09 == 0
        case .headers: return !connectionLevel && flags.rawValue & ~0x2d == 0
        case .priority: return !connectionLevel && length == 5 && flags.rawValue == 0
        case .rstStream: return !connectionLevel && length == 4 && flags.rawValue == 0
        case .settings: return connectionLevel && length % 6 == 0 && flags.rawValue & ~0x01 == 0
        case .pushPromise: return !connectionLevel && length >= 4 && flags.rawValue & ~0x0c == 0
        case .ping: return connectionLevel && length == 8 && flags.rawValue & ~0x01 == 0
        case .goaway: return connectionLevel && length >= 8 && flags.rawValue == 0
        case .windowUpdate: return length == 4 && flags.rawValue == 0
        default: return !connectionLevel && flags.rawValue & ~0x04 == 0
        }
    }
}

extension HTTP2FrameHeader {
    /// The largest payload a frame header can declare (RFC 9113 §4.1: 24 bits); a peer's
    /// SETTINGS_MAX_FRAME_SIZE may allow up to this.
    static let maxDeclarableLength = (1 << 24) - 1

    /// Frames chaining over the first bytes of a direction captured without its start: each header
    /// believable (`isPlausible`) and followed by the next, within the largest frame a peer may send.
    /// How a connection joined mid-way is recognised as HTTP/2 (its preface was sent before the capture).
    ///
    /// - Parameters:
    ///   - bytes: the direction's first bytes.
    ///   - minimumFrames: complete frames needed.
    /// - Returns: the chain (with the bytes before its first frame), or nil.
    public static func chain(in bytes: ByteBuffer, minimumFrames: Int) -> FrameChain? {
        FrameChain.find(in: bytes, headerLength: 9, maxOffset: 9 + 16_384, minimumUnits: minimumFrames) { buffer, index in
            guard let header = peek(buffer, at: index), header.isPlausible(maxLength: maxDeclarableLength) else {
                return nil
            }
            return 9 + header.length
        }
    }
}
