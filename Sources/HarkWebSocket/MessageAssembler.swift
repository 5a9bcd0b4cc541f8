import HarkCore
import HarkFormat
import NIOCore

/// Joins one direction's frames into messages (RFC 6455 §5.4): a data message runs from a text or
/// binary frame to the frame with FIN, control frames may come between its fragments and are messages
/// of their own, and compressed messages (RSV1 on the first frame) are inflated as their bytes arrive.
struct MessageAssembler {
    /// A message whose final frame has not arrived yet.
    private struct Partial {
        var message: WebSocketMessage
        /// Problems found so far, joined into `message.problem` at the end.
        var problems: [String] = []
        /// Whether payload bytes are still kept (false after a limit or a failed inflate).
        var keeping = true
        /// Whether a compressed message is still being inflated (false after the inflate limit or a
        /// failure); independent of keeping, so the shared window stays in step.
        var inflating = true
        /// The UTF-8 check of a text message's kept bytes (RFC 6455 §8.1); nil for other messages
        /// and for text partly unknown (history before the capture, first frames missing).
        var utf8: UTF8StreamValidator?
    }

    let direction: Direction
    let limits: WebSocketLimits
    /// The packet being delivered, noted with the frames' times.
    var clock: PacketClock?
    /// Whether the sender resets its window after each message (`*_no_context_takeover`).
    private let resetsWindow: Bool
    /// The direction's inflater; nil without permessage-deflate, created when first needed.
    private var inflater: MessageInflater?
    /// Whether permessage-deflate was negotiated (true) or, mid-stream, may have been (nil).
    private let deflateNegotiated: Bool?
    /// Why compressed messages can no longer be inflated (an earlier one failed or was cut).
    private var inflaterBroken: String?
    private var data: Partial?
    private var control: Partial?
    /// Which of the two the current frame belongs to.
    private var currentIsControl = false
    /// Kinds of protocol violation already reported for this direction: each is reported once, so that
    /// a stream of bad frames cannot flood the diagnostics.
    private var reported: Set<Violation> = []

    /// Violations of RFC 6455 that leave the frames readable.
    private enum Violation: Hashable {
        case reservedBits, longControl, fragmentedControl, unmaskedClient, maskedServer, invalidUTF8
    }

    /// - Parameters:
    ///   - deflate: what the upgrade negotiated, nil for no compression; ignored when `midStream`.
    ///   - midStream: the capture began after the upgrade (compression unknown, history unknown).
    init(direction: Direction, limits: WebSocketLimits, deflate: PerMessageDeflate?, midStream: Bool) {
        self.direction = direction
        self.limits = limits
        if midStream {
            deflateNegotiated = nil
            resetsWindow = false
        } else {
            deflateNegotiated = deflate != nil
            resetsWindow =
                direction == .clientToServer
                ? deflate?.clientNoContextTakeover ?? false : deflate?.serverNoContextTakeover ?? false
        }
    }

    /// A frame starts.
    mutating func begin(_ header: WebSocketFrameHeader, at time: Timestamp, report: (String, Bool) -> Void)
        -> [WebSocketMessage]
    {
        var finished: [WebSocketMessage] = []
        if header.rsv2 || header.rsv3 {
            once(.reservedBits, "frame with RSV2/RSV3 set, which no negotiated extension defines", report)
        }
        // RFC 6455 §5.1: "a client MUST mask all frames that it sends to the server", "A server MUST NOT
        // mask any frames that it sends to the client." The payload is read either way.
        if direction == .clientToServer, !header.isMasked {
            once(.unmaskedClient, "client frame not masked (RFC 6455 §5.1 requires a client to mask every frame)", report)
        } else if direction == .serverToClient, header.isMasked {
            once(.maskedServer, "server frame masked (RFC 6455 §5.1 forbids a server to mask); unmasked with its key", report)
        }
        if header.opcode.isControl {
            // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST
            // NOT be fragmented." Only the first 125 bytes are kept; the rest are counted.
            if header.payloadLength > 125 {
                once(.longControl, "\(header.opcode) frame of \(header.payloadLength) bytes (RFC 6455 §5.5 allows 125); 125 kept", report)
            }
            if !header.fin {
                once(.fragmentedControl, "\(header.opcode) frame without FIN (RFC 6455 §5.5: control frames are not fragmented); taken as whole", report)
            }
            currentIsControl = true
            var partial = Partial(message: WebSocketMessage(direction: direction, opcode: header.opcode, firstFrameTime: time, lastFrameTime: time, frameCount: 1))
            partial.message.firstPacket = packet
            control = partial
            return finished
        }
        currentIsControl = false
        if header.opcode == .continuation {
            if var partial = data {
                partial.message.frameCount += 1
                partial.message.lastFrameTime = time
                partial.message.lastPacket = clock?.number ?? 0
                if partial.message.frameCount > limits.maxFramesPerMessage, partial.keeping {
                    partial.keeping = false
                    partial.problems.append("fragmented into more than \(limits.maxFramesPerMessage) frames; later fragments counted, not kept")
                    report("message fragmented into more than \(limits.maxFramesPerMessage) frames; later fragments counted, not kept", true)
                }
                data = partial
            } else {
                var partial = Partial(message: WebSocketMessage(direction: direction, opcode: .continuation, firstFrameTime: time, lastFrameTime: time, isComplete: false))
                partial.message.firstPacket = packet
                partial.problems.append("the capture began inside this message: its first frames are missing")
                partial.keeping = true
                data = partial
            }
            return finished
        }
        if var unfinished = data {
            report("a new \(header.opcode) message began before the previous one's final frame", true)
            unfinished.message.isComplete = false
            unfinished.problems.append("its final frame never came")
            finished.append(close(unfinished))
            data = nil
        }
        var partial = Partial(message: WebSocketMessage(direction: direction, opcode: header.opcode, firstFrameTime: time, lastFrameTime: time, isCompressed: header.rsv1))
        partial.message.firstPacket = packet
        if header.opcode == .text { partial.utf8 = UTF8StreamValidator() }
        if header.rsv1 {
            if deflateNegotiated == false {
                partial.problems.append("RSV1 set but permessage-deflate was not negotiated; payload kept as sent")
                partial.message.isCompressed = false
            } else if let broken = inflaterBroken {
                partial.keeping = false
                partial.inflating = false
                partial.problems.append("not inflated: \(broken)")
            } else if inflater == nil {
                inflater = MessageInflater(historyUnknown: deflateNegotiated == nil)
            }
        }
        data = partial
        return finished
    }

    /// Payload bytes of the current frame.
    mutating func payload(_ bytes: ByteBuffer, report: (String, Bool) -> Void) {
        if currentIsControl {
            guard var partial = control else { return }
            partial.message.wireLength += bytes.readableBytes
            partial.message.length += bytes.readableBytes
            if partial.message.payload.count < 125 {
                partial.message.payload.append(bytes.getSlice(at: bytes.readerIndex, length: min(bytes.readableBytes, 125)) ?? bytes, limits: limits.storage)
            }
            control = partial
            return
        }
        guard var partial = data else { return }
        partial.message.wireLength += bytes.readableBytes
        if partial.message.isCompressed {
            inflate(bytes, into: &partial, report: report)
        } else {
            partial.message.length += bytes.readableBytes
            keep(bytes, in: &partial)
        }
        data = partial
    }

    /// The packet being delivered; 0 without a clock.
    private var packet: Int { clock?.number ?? 0 }

    /// The current frame ended: a message may be complete.
    mutating func end(fin: Bool, at time: Timestamp, report: (String, Bool) -> Void) -> WebSocketMessage? {
        if currentIsControl {
            guard var partial = control else { return nil }
            control = nil
            partial.message.lastFrameTime = time
            partial.message.lastPacket = packet
            return close(partial)
        }
        guard var partial = data, fin else { return nil }
        data = nil
        partial.message.lastFrameTime = time
        partial.message.lastPacket = packet
        if partial.message.isCompressed, partial.inflating, inflaterBroken == nil, let inflater {
            let step = inflater.finishMessage(limit: remainingInflate(partial))
            absorb(step, into: &partial, report: report)
            if resetsWindow { inflater.reset() }
        }
        checkText(&partial, report: report)
        return close(partial)
    }

    /// RFC 6455 §8.1: a text message's payload "MUST be valid UTF-8". Checked over the kept bytes of
    /// a message that was captured whole; the message says so, the direction reports it once.
    private mutating func checkText(_ partial: inout Partial, report: (String, Bool) -> Void) {
        guard let utf8 = partial.utf8, partial.message.payload.error == nil else { return }
        // A message cut at the size limit may end inside a character: only a bad byte counts then.
        guard !utf8.isComplete, !utf8.isValid || partial.keeping else { return }
        let note = utf8.isValid ? "text ends inside a UTF-8 character" : "text is not valid UTF-8"
        partial.problems.append("\(note) (RFC 6455 §8.1); shown with U+FFFD")
        once(.invalidUTF8, "\(note) (RFC 6455 §8.1)", report)
    }

    /// Reports `violation` the first time this direction shows it.
    private mutating func once(_ violation: Violation, _ text: String, _ report: (String, Bool) -> Void) {
        guard reported.insert(violation).inserted else { return }
        report("\(text); later ones in this direction are not reported", false)
    }

    /// The direction ended or lost its framing: what is unfinished is reported as incomplete.
    mutating func flush(reason: String) -> [WebSocketMessage] {
        var out: [WebSocketMessage] = []
        for case var partial? in [data, currentIsControl ? control : nil] {
            partial.message.isComplete = false
            partial.problems.append(reason)
            out.append(close(partial))
        }
        data = nil
        control = nil
        return out
    }

    private mutating func inflate(_ bytes: ByteBuffer, into partial: inout Partial, report: (String, Bool) -> Void) {
        guard partial.inflating, inflaterBroken == nil, let inflater else { return }
        absorb(inflater.inflate(bytes, limit: remainingInflate(partial)), into: &partial, report: report)
    }

    private func remainingInflate(_ partial: Partial) -> Int {
        max(0, limits.maxInflatedBytes - partial.message.length) + 1
    }

    private mutating func absorb(_ step: MessageInflater.Step, into partial: inout Partial, report: (String, Bool) -> Void) {
        var output = step.output
        partial.message.length += step.decodedCount
        if step.unknownBytes > 0 {
            partial.problems.append("partly decoded: it refers to bytes sent before the capture began (shown as U+FFFD)")
            partial.utf8 = nil
        }
        if partial.message.length > limits.maxInflatedBytes {
            let excess = partial.message.length - limits.maxInflatedBytes
            output.moveWriterIndex(to: max(output.readerIndex, output.writerIndex - excess))
            partial.message.length = limits.maxInflatedBytes
            partial.inflating = false
            let note = "inflates to more than \(limits.maxInflatedBytes) bytes (a decompression bomb?); cut there"
            partial.problems.append(note)
            report("message \(note)", true)
            inflaterBroken = "an earlier message was cut at the inflate limit, so the shared window is lost"
        }
        keep(output, in: &partial)
        if let failure = step.failure {
            partial.keeping = false
            partial.inflating = false
            partial.problems.append("not inflated: \(failure)")
            report("compressed message does not inflate: \(failure)", true)
            inflaterBroken = "an earlier message failed to inflate (\(failure)), so the shared window is lost"
        }
    }

    /// Keeps what fits under `maxMessageBytes` (checking a text message's UTF-8 as it goes); past it
    /// the message stops keeping and says so.
    private func keep(_ bytes: ByteBuffer, in partial: inout Partial) {
        guard partial.keeping else { return }
        let room = max(0, limits.maxMessageBytes - partial.message.payload.count)
        let kept = bytes.getSlice(at: bytes.readerIndex, length: min(room, bytes.readableBytes)) ?? ByteBuffer()
        if kept.readableBytes > 0 {
            partial.message.payload.append(kept, limits: limits.storage)
            if partial.utf8 != nil {
                kept.withUnsafeReadableBytes { partial.utf8?.feed($0.bindMemory(to: UInt8.self)) }
            }
        }
        guard kept.readableBytes < bytes.readableBytes else { return }
        partial.keeping = false
        guard limits.reportsCutMessages else { return }
        partial.problems.append("longer than the \(limits.maxMessageBytes)-byte limit; first \(limits.maxMessageBytes) bytes kept")
    }

    /// The finished message, with close code and reason read and problems joined.
    private func close(_ partial: Partial) -> WebSocketMessage {
        var message = partial.message
        var problems = partial.problems
        if message.opcode == .close, let payload = try? message.payload.readAll(limit: 125) {
            var bytes = payload
            // RFC 6455 §5.5.1: a close body, if any, starts with a two-byte status code, then UTF-8.
            if bytes.readableBytes == 1 { problems.append("a 1-byte close body has no room for its status code (RFC 6455 §5.5.1)") }
            message.closeCode = bytes.readInteger(as: UInt16.self)
            if let code = message.closeCode, !Self.maySend(code) {
                problems.append("close code \(code) is not one an endpoint may send (RFC 6455 §7.4)")
            }
            if bytes.readableBytes > 0 {
                message.closeReason = String(decoding: bytes.readableBytesView, as: UTF8.self)
                if !bytes.withUnsafeReadableBytes({ UTF8Validation.isValid($0.bindMemory(to: UInt8.self)) }) {
                    problems.append("close reason is not valid UTF-8 (RFC 6455 §5.5.1); shown with U+FFFD")
                }
            }
        }
        if let error = message.payload.error {
            message.problem = ([error.description] + problems).joined(separator: "; ")
        } else if !problems.isEmpty {
            message.problem = problems.joined(separator: "; ")
        }
        return message
    }

    /// Status codes an endpoint may put in a close frame: RFC 6455 §7.4.1's (not 1004, 1005, 1006 or
    /// 1015, which are reserved or only reported locally), IANA's 1012–1014, and 3000–4999 for
    /// libraries and applications (§7.4.2).
    private static func maySend(_ code: UInt16) -> Bool {
        switch code {
        case 1000...1003, 1007...1014, 3000...4999: true
        default: false
        }
    }
}
