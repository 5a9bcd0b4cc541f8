import HarkQUIC

/// Splits one direction of an HTTP/3 stream into frames (RFC 9114 §7.1) as its bytes arrive: DATA
/// payloads stream through in pieces, other frames are collected whole (up to `maxFramePayload`),
/// unknown and reserved types are skipped.
struct HTTP3FrameReader {
    /// What the bytes held.
    enum Item: Equatable {
        /// A whole frame other than DATA, with the numbers of the capture packets that held its first
        /// and last bytes (0: not known).
        case frame(type: UInt64, payload: [UInt8], firstPacket: Int, lastPacket: Int)
        /// A piece of a DATA frame's payload (a slice of the stream bytes given), with its packet's number.
        case data(ArraySlice<UInt8>, packet: Int)
        /// A frame of a known type longer than the limit, or of an unknown type, passed over.
        case skipped(type: UInt64, length: UInt64)
    }

    static let data: UInt64 = 0x00
    static let headers: UInt64 = 0x01
    static let cancelPush: UInt64 = 0x03
    static let settings: UInt64 = 0x04
    static let pushPromise: UInt64 = 0x05
    static let goaway: UInt64 = 0x07
    static let maxPushID: UInt64 = 0x0D

    let maxFramePayload: Int
    /// The start of a frame header split across pieces.
    private var header: [UInt8] = []
    /// The frame in progress: its type, payload bytes still to come, and the payload so far when it is
    /// collected.
    private var current: (type: UInt64, remaining: UInt64, collected: [UInt8]?)?
    /// The packet that held the first byte of the frame in progress.
    private var frameStartPacket = 0

    init(maxFramePayload: Int) {
        self.maxFramePayload = maxFramePayload
    }

    /// Whether the reader is between frames.
    var isAtFrameBoundary: Bool { current == nil && header.isEmpty }

    /// Whether a DATA payload is in progress (a gap there loses body bytes, not the framing).
    var isInData: Bool { current?.type == Self.data }

    /// The next item of the stream's bytes `input` (which came in capture packet `packet`), taking what
    /// it read from `input`; nil once `input` is used up without completing one (a frame header or a
    /// collected frame's payload waits for more bytes). Items are pulled one at a time, so that a
    /// packet's stream bytes are read without collecting them in an array.
    mutating func next(from input: inout ArraySlice<UInt8>, packet: Int) -> Item? {
        while !input.isEmpty {
            if let frame = current {
                let count = Int(min(frame.remaining, UInt64(input.count)))
                let piece = input.prefix(count)
                input = input.dropFirst(count)
                let remaining = frame.remaining &- UInt64(count)
                if frame.type == Self.data {
                    current = remaining == 0 ? nil : (frame.type, remaining, nil)
                    return .data(piece, packet: packet)
                } else if var collected = frame.collected {
                    collected += piece
                    if remaining == 0 {
                        current = nil
                        return .frame(type: frame.type, payload: collected, firstPacket: frameStartPacket, lastPacket: packet)
                    }
                    current = (frame.type, remaining, collected)
                } else {
                    current = remaining == 0 ? nil : (frame.type, remaining, nil)
                }
                continue
            }
            // A frame header: type and length, two varints of at most 8 bytes each.
            // Read in place unless the start of the header came with earlier bytes.
            if header.isEmpty { frameStartPacket = packet }
            let take = min(16 &- header.count, input.count)
            var reader = header.isEmpty ? QUICReader(input.prefix(take)) : QUICReader(header + input.prefix(take))
            guard let type = reader.readVarint(), let length = reader.readVarint() else {
                header = Array(reader.bytes)
                input = input.dropFirst(take)
                continue
            }
            let used = reader.index &- reader.bytes.startIndex &- header.count
            input = input.dropFirst(used)
            header = []
            let collects = type != Self.data && Self.isKnown(type) && length <= UInt64(maxFramePayload)
            if length > 0 { current = (type, length, collects ? [] : nil) }
            if !collects, type != Self.data { return .skipped(type: type, length: length) }
            if length == 0, collects { return .frame(type: type, payload: [], firstPacket: frameStartPacket, lastPacket: packet) }
        }
        return nil
    }

    /// A gap of `length` bytes: absorbed when it falls inside a DATA payload (the bytes are missing
    /// body) or a skipped frame; false when the framing is lost.
    mutating func gap(_ length: UInt64) -> Bool {
        guard let frame = current, frame.collected == nil, length <= frame.remaining else { return false }
        let remaining = frame.remaining &- length
        current = remaining == 0 ? nil : (frame.type, remaining, nil)
        return true
    }

    /// Frame types HTTP/3 defines (others, including the reserved 0x1f * N + 0x21, are skipped).
    static func isKnown(_ type: UInt64) -> Bool {
        [data, headers, cancelPush, settings, pushPromise, goaway, maxPushID].contains(type)
    }
}
