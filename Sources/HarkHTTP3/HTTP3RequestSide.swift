import HarkContentCoding
import HarkCore
import NIOCore

/// One direction of a request stream while it is open: its frames, its message so far, and the items
/// held back behind a field section that waits for QPACK inserts.
struct HTTP3RequestSide {
    var reader: HTTP3FrameReader
    /// The message whose head was decoded (the final response for the server's side).
    var message: HTTP3Message?
    /// 1xx responses (server side only).
    var interim: [HTTP3Message] = []
    /// Undoes the content codings as DATA arrives.
    var decoder: BodyDecoder?
    /// A field section waiting for inserts, and the items that came after it.
    typealias Blocked = (requiredInsertCount: Int, items: [HTTP3FrameReader.Item], bytes: Int, time: Timestamp)
    var blocked: Blocked?
    /// FIN or RESET_STREAM was seen.
    var ended = false
    /// Bytes were lost where the framing cannot be recovered: the rest of this side is not read.
    var framingLost = false

    init(maxFramePayload: Int) {
        reader = HTTP3FrameReader(maxFramePayload: maxFramePayload)
    }

    /// Adds a decoded field section, whose frame came in `packets`: the head, a 1xx response, or trailers.
    mutating func apply(_ fields: [QPACKField], isResponse: Bool, at time: Timestamp, packets: (first: Int, last: Int)) {
        let message = HTTP3Message(section: fields, at: time, packets: packets)
        if isResponse, let status = message.status, (100..<200).contains(status) {
            interim.append(message)
        } else if self.message == nil {
            self.message = message
        } else {
            self.message?.trailers = message.fields
            self.message?.lastByteTime = time
            self.message?.lastPacket = packets.last
        }
    }

    /// Adds DATA content from capture packet `packet`: counted, kept within the limits, fed to the
    /// content decoder.
    mutating func appendData(_ bytes: ArraySlice<UInt8>, at time: Timestamp, packet: Int, limits: HTTP3Limits, decodesContent: Bool) {
        // Changed in place (optional chaining), so that neither the message nor its body is copied.
        guard let stored = message?.body.length else { return }
        if stored == 0, decoder == nil, decodesContent {
            let codings = ContentCoding.list(fromFieldValues: message?.fields.values(for: "content-encoding") ?? [])
            if codings.contains(where: { $0 != .identity }) {
                decoder = BodyDecoder(
                    codings: codings, maxOutputBytes: limits.maxDecodedBodyBytes, keepLimit: limits.maxBodyBytes, storage: limits.bodyStorage)
            }
        }
        message?.body.length &+= bytes.count
        message?.lastByteTime = time
        message?.lastPacket = packet
        let kept = min(max(0, limits.maxBodyBytes &- (message?.body.bytes.count ?? 0)), bytes.count)
        if kept > 0 {
            bytes.prefix(kept).withUnsafeBytes { message?.body.bytes.append($0, limits: limits.bodyStorage) }
        }
        if let decoder { decoder.decode(ByteBuffer(bytes: bytes)) }
    }

    /// The message as it ends: content codings named, decoding finished (when nothing was lost).
    mutating func finishedMessage() -> HTTP3Message? {
        guard var message else { return nil }
        message.body.contentCodings = ContentCoding.list(fromFieldValues: message.fields.values(for: "content-encoding"))
        if let decoder, message.body.missingBytes == 0 {
            let result = decoder.finish()
            message.body.decoded = result.bytes
            message.body.decodedLength = result.length
            message.body.decodingError = result.error
        }
        decoder = nil
        return message
    }
}
