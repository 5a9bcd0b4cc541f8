import NIOCore

extension HTTP2Frame.Payload {
    /// Decodes the payload of a frame of `header`'s type from exactly its payload bytes.
    static func decode(_ header: HTTP2FrameHeader, payload: ByteBuffer) -> HTTP2Frame.Payload {
        var bytes = payload
        switch header.type {
        case .data:
            guard let content = unpadded(&bytes, header.flags) else { return .malformed("padding longer than DATA payload") }
            return .data(content)
        case .headers:
            guard var content = unpadded(&bytes, header.flags) else {
                return .malformed("padding longer than HEADERS payload")
            }
            // RFC 9113 §6.2: with PRIORITY, a 4-octet stream dependency and a 1-octet weight precede the block.
            if header.flags.contains(.priority) {
                guard content.readableBytes >= 5 else { return .malformed("HEADERS too short for its priority fields") }
                content.moveReaderIndex(forwardBy: 5)
            }
            return .headers(content)
        case .priority:
            return header.length == 5 ? .priority : .malformed("PRIORITY payload is not 5 octets")
        case .rstStream:
            guard header.length == 4, let code = bytes.readInteger(as: UInt32.self) else {
                return .malformed("RST_STREAM payload is not 4 octets")
            }
            return .rstStream(HTTP2ErrorCode(rawValue: code))
        case .settings:
            // RFC 9113 §6.5: a length that is not a multiple of 6 is a FRAME_SIZE_ERROR.
            guard header.length % 6 == 0 else { return .malformed("SETTINGS payload is not a multiple of 6 octets") }
            var settings: [HTTP2Setting] = []
            settings.reserveCapacity(header.length / 6)
            while let id = bytes.readInteger(as: UInt16.self), let value = bytes.readInteger(as: UInt32.self) {
                settings.append(HTTP2Setting(id: HTTP2SettingID(rawValue: id), value: value))
            }
            return .settings(settings)
        case .pushPromise:
            guard var content = unpadded(&bytes, header.flags), let promised = content.readInteger(as: UInt32.self) else {
                return .malformed("PUSH_PROMISE too short")
            }
            return .pushPromise(promisedStreamID: promised & 0x7fff_ffff, fragment: content)
        case .ping:
            guard header.length == 8, let data = bytes.readInteger(as: UInt64.self) else {
                return .malformed("PING payload is not 8 octets")
            }
            return .ping(data)
        case .goaway:
            guard let last = bytes.readInteger(as: UInt32.self), let code = bytes.readInteger(as: UInt32.self) else {
                return .malformed("GOAWAY shorter than 8 octets")
            }
            return .goaway(lastStreamID: last & 0x7fff_ffff, errorCode: HTTP2ErrorCode(rawValue: code), debugData: bytes)
        case .windowUpdate:
            guard header.length == 4, let increment = bytes.readInteger(as: UInt32.self) else {
                return .malformed("WINDOW_UPDATE payload is not 4 octets")
            }
            return .windowUpdate(increment & 0x7fff_ffff)
        case .continuation:
            return .continuation(bytes)
        default:
            return .unknown
        }
    }

    /// The content of a padded payload (RFC 9113 §6.1): the pad length octet and the padding removed;
    /// nil when the padding is longer than the payload.
    private static func unpadded(_ bytes: inout ByteBuffer, _ flags: HTTP2FrameFlags) -> ByteBuffer? {
        guard flags.contains(.padded) else { return bytes }
        guard let padLength = bytes.readInteger(as: UInt8.self), Int(padLength) <= bytes.readableBytes else {
            return nil
        }
        return bytes.readSlice(length: bytes.readableBytes - Int(padLength))
    }
}
