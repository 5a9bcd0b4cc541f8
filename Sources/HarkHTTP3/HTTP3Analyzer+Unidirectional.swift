import HarkCore
import HarkQUIC

/// A unidirectional stream (RFC 9114 §6.2): its type once read, and what reads the rest.
struct UnidirectionalStream {
    static let control: UInt64 = 0x00
    static let push: UInt64 = 0x01
    static let encoder: UInt64 = 0x02
    static let decoder: UInt64 = 0x03

    /// The stream type, once its varint is complete.
    var type: UInt64?
    /// A push stream's push ID, once its varint is complete.
    var pushID: UInt64?
    /// The first bytes while the type varint (or a push stream's push ID) is incomplete.
    var typeBytes: [UInt8] = []
    /// Frames of a control stream.
    var frames: HTTP3FrameReader
}

extension HTTP3Analyzer {
    mutating func receiveUnidirectional(_ id: UInt64, direction: Direction, bytes: ArraySlice<UInt8>, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        var stream = unidirectional[id] ?? UnidirectionalStream(frames: HTTP3FrameReader(maxFramePayload: limits.maxFramePayload))
        var rest = bytes
        if stream.type == nil {
            let candidate = stream.typeBytes + bytes
            var reader = QUICReader(candidate)
            guard let type = reader.readVarint() else {
                stream.typeBytes = Array(candidate.prefix(8))
                unidirectional[id] = stream
                return
            }
            stream.type = type
            stream.typeBytes = []
            rest = candidate.dropFirst(reader.index)
        }
        defer { unidirectional[id] = stream }
        switch stream.type {
        case UnidirectionalStream.control?:
            for item in stream.frames.receive(rest, packet: packetClock?.number ?? 0) {
                guard case .frame(let type, let payload, _, _) = item else { continue }
                controlFrame(type, payload: payload, from: direction, emit: emit)
            }
        case UnidirectionalStream.encoder?:
            let side = direction.sideIndex
            if let problem = encoders[side].receive(rest) {
                reportOnce("QPACK encoder stream of the \(direction.sender): \(problem); its dynamic table is unknown from here", isError: true, emit: emit)
            }
            unblock(encodedBy: direction, emit: emit)
        case UnidirectionalStream.push?:
            guard direction == .serverToClient else {
                reportOnce("a push stream from the client", isError: true, emit: emit)
                return
            }
            if stream.pushID == nil {
                let candidate = stream.typeBytes + rest
                var reader = QUICReader(candidate)
                guard let pushID = reader.readVarint() else {
                    stream.typeBytes = Array(candidate.prefix(8))
                    return
                }
                stream.pushID = pushID
                stream.typeBytes = []
                rest = candidate.dropFirst(reader.index)
                guard openPushStream(id, pushID: pushID, emit: emit) else { return }
            }
            // The push's response, read as a request stream's response is.
            if requests[id] != nil { receiveRequest(id, direction: direction, bytes: rest, at: time, emit: emit) }
        default:
            break  // the QPACK decoder stream, and reserved (grease) types
        }
    }

    /// SETTINGS (RFC 9114 §7.2.4), CANCEL_PUSH (§7.2.3) and GOAWAY (§7.2.6) of a control stream.
    private mutating func controlFrame(_ type: UInt64, payload: [UInt8], from direction: Direction, emit: (HTTP3Event) -> Void) {
        var reader = QUICReader(payload)
        switch type {
        case HTTP3FrameReader.settings:
            while !reader.isAtEnd {
                guard let identifier = reader.readVarint(), let value = reader.readVarint() else {
                    reportOnce("malformed SETTINGS frame from the \(direction.sender)", isError: true, emit: emit)
                    return
                }
                // SETTINGS_QPACK_MAX_TABLE_CAPACITY bounds the peer's encoder.
                if identifier == 0x01 {
                    let capacity = Int(min(value, UInt64(limits.maxTableCapacity)))
                    let peer = direction.reversed.sideIndex
                    allowedCapacity[peer] = Int(clamping: value)
                    encoders[peer].maxCapacity = capacity
                    if value > UInt64(limits.maxTableCapacity) {
                        reportOnce("the \(direction.sender) allows a QPACK table of \(value) bytes; hark follows \(limits.maxTableCapacity)", isError: false, emit: emit)
                    }
                }
            }
        case HTTP3FrameReader.cancelPush:
            if let pushID = reader.readVarint() { cancelPush(pushID, from: direction) }
        case HTTP3FrameReader.goaway:
            if let last = reader.readVarint() {
                reportOnce("GOAWAY from the \(direction.sender): streams from \(last) on are not served", isError: false, emit: emit)
            }
        default:
            break
        }
    }
}
