/// One QUIC frame (RFC 9000 §19), with the fields hark uses; flow-control and path frames are only
/// named.
enum QUICFrame: Equatable {
    case padding
    case ping
    /// ACK or ACK_ECN: the largest packet number acknowledged.
    case ack(largest: UInt64)
    case resetStream(streamID: UInt64, errorCode: UInt64, finalSize: UInt64)
    case stopSending(streamID: UInt64, errorCode: UInt64)
    case crypto(offset: UInt64, data: ArraySlice<UInt8>)
    case newToken
    case stream(streamID: UInt64, offset: UInt64, data: ArraySlice<UInt8>, fin: Bool)
    /// MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, DATA_BLOCKED, STREAM_DATA_BLOCKED, STREAMS_BLOCKED.
    case flowControl
    case newConnectionID(sequence: UInt64, connectionID: ArraySlice<UInt8>)
    case retireConnectionID(sequence: UInt64)
    /// PATH_CHALLENGE or PATH_RESPONSE.
    case path
    /// CONNECTION_CLOSE: a transport error (with the frame type that caused it) or an application's.
    case connectionClose(errorCode: UInt64, frameType: UInt64?, reason: String, isApplication: Bool)
    case handshakeDone
    /// DATAGRAM (RFC 9221), with its length.
    case datagram(length: Int)
}

/// Reads the frames of a decrypted packet payload.
enum QUICFrameParser {
    /// The largest stream offset plus length QUIC allows (RFC 9000 §19.8: 2^62 − 1).
    static let maxOffset: UInt64 = (1 << 62) &- 1

    /// Hands each frame of `payload` to `body`, in order (a run of PADDING frames as one); returns what
    /// stopped parsing early, if anything (the frames before it were handed on). No array is built: a
    /// packet's frames go straight to their handling.
    static func forEachFrame(in payload: ArraySlice<UInt8>, _ body: (QUICFrame) -> Void) -> String? {
        var reader = QUICReader(payload)
        var lastWasPadding = false
        while !reader.isAtEnd {
            let start = reader.index &- payload.startIndex
            guard let type = reader.readVarint() else { return "frame type cut short at byte \(start)" }
            guard let frame = parseFrame(type: type, reader: &reader) else {
                return "frame type 0x\(String(type, radix: 16)) at byte \(start) is malformed or unknown"
            }
            let isPadding = frame == .padding
            if isPadding, lastWasPadding { continue }
            lastWasPadding = isPadding
            body(frame)
        }
        return nil
    }

    private static func parseFrame(type: UInt64, reader: inout QUICReader) -> QUICFrame? {
        switch type {
        case 0x00:
            // A run of padding bytes counts as one frame.
            while reader.remaining > 0, reader.bytes[reader.index] == 0 { _ = reader.readByte() }
            return .padding
        case 0x01: return .ping
        case 0x02, 0x03: return parseACK(hasECN: type == 0x03, reader: &reader)
        case 0x04:
            guard let id = reader.readVarint(), let code = reader.readVarint(), let size = reader.readVarint() else { return nil }
            return .resetStream(streamID: id, errorCode: code, finalSize: size)
        case 0x05:
            guard let id = reader.readVarint(), let code = reader.readVarint() else { return nil }
            return .stopSending(streamID: id, errorCode: code)
        case 0x06:
            guard let offset = reader.readVarint(), let length = reader.readLength(), let data = reader.readBytes(length),
                offset <= maxOffset &- UInt64(length)
            else { return nil }
            return .crypto(offset: offset, data: data)
        case 0x07:
            guard let length = reader.readLength(), reader.skip(length) else { return nil }
            return .newToken
        case 0x08...0x0F: return parseStream(type: type, reader: &reader)
        case 0x10, 0x12, 0x13, 0x14, 0x16, 0x17:
            return reader.readVarint() == nil ? nil : .flowControl
        case 0x11, 0x15:
            return reader.readVarint() == nil || reader.readVarint() == nil ? nil : .flowControl
        case 0x18:
            guard let sequence = reader.readVarint(), reader.readVarint() != nil, let length = reader.readByte(),
                (1...20).contains(length), let id = reader.readBytes(Int(length)), reader.skip(16)
            else { return nil }
            return .newConnectionID(sequence: sequence, connectionID: id)
        case 0x19:
            guard let sequence = reader.readVarint() else { return nil }
            return .retireConnectionID(sequence: sequence)
        case 0x1A, 0x1B:
            return reader.skip(8) ? .path : nil
        case 0x1C, 0x1D:
            guard let code = reader.readVarint() else { return nil }
            var frameType: UInt64?
            if type == 0x1C {
                guard let offending = reader.readVarint() else { return nil }
                frameType = offending
            }
            guard let length = reader.readLength(), let reason = reader.readBytes(length) else { return nil }
            return .connectionClose(
                errorCode: code, frameType: frameType, reason: String(decoding: reason.prefix(200), as: UTF8.self), isApplication: type == 0x1D)
        case 0x1E: return .handshakeDone
        case 0x30: return skipRest(&reader)
        case 0x31:
            guard let length = reader.readLength(), reader.skip(length) else { return nil }
            return .datagram(length: length)
        default: return nil
        }
    }

    /// A DATAGRAM frame without a length runs to the end of the packet.
    private static func skipRest(_ reader: inout QUICReader) -> QUICFrame {
        let length = reader.remaining
        _ = reader.skip(length)
        return .datagram(length: length)
    }

    private static func parseACK(hasECN: Bool, reader: inout QUICReader) -> QUICFrame? {
        guard let largest = reader.readVarint(), reader.readVarint() != nil, let rangeCount = reader.readVarint(),
            reader.readVarint() != nil
        else { return nil }
        // Each further range is two varints of at least one byte: a count beyond the bytes left lies.
        guard rangeCount <= UInt64(reader.remaining / 2) else { return nil }
        for _ in 0..<rangeCount {
            guard reader.readVarint() != nil, reader.readVarint() != nil else { return nil }
        }
        if hasECN {
            guard reader.readVarint() != nil, reader.readVarint() != nil, reader.readVarint() != nil else { return nil }
        }
        return .ack(largest: largest)
    }

    private static func parseStream(type: UInt64, reader: inout QUICReader) -> QUICFrame? {
        guard let id = reader.readVarint() else { return nil }
        var offset: UInt64 = 0
        if type & 0x04 != 0 {
            guard let value = reader.readVarint() else { return nil }
            offset = value
        }
        var length = reader.remaining
        if type & 0x02 != 0 {
            guard let value = reader.readLength() else { return nil }
            length = value
        }
        guard let data = reader.readBytes(length), offset <= maxOffset &- UInt64(length) else { return nil }
        return .stream(streamID: id, offset: offset, data: data, fin: type & 0x01 != 0)
    }
}
