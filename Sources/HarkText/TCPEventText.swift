import HarkCore
import HarkFormat
package import HarkModel

/// Words for TCP events, in text and in JSON.
package enum TCPEventText {
    /// The event names used in JSON (`event`) and for coalescing.
    enum Name: String, Hashable {
        case syn, synRetransmission = "syn_retransmission", synAck = "syn_ack"
        case handshakeComplete = "handshake_complete", retransmission, outOfOrder = "out_of_order"
        case overlapConflict = "overlap_conflict", duplicateAck = "duplicate_ack", zeroWindow = "zero_window"
        case windowFull = "window_full", keepAlive = "keep_alive", gap, fin, reset
    }

    static func name(_ kind: TCPEvent.Kind) -> Name {
        switch kind {
        case .syn: .syn
        case .synRetransmission: .synRetransmission
        case .synAck: .synAck
        case .handshakeComplete: .handshakeComplete
        case .retransmission: .retransmission
        case .outOfOrder: .outOfOrder
        case .overlapConflict: .overlapConflict
        case .duplicateAck: .duplicateAck
        case .zeroWindow: .zeroWindow
        case .windowFull: .windowFull
        case .keepAlive: .keepAlive
        case .gap: .gap
        case .fin: .fin
        case .reset: .reset
        }
    }

    /// The name under which repeats of `kind` are counted, or nil when every one is shown.
    static func coalescingName(_ kind: TCPEvent.Kind) -> Name? {
        switch kind {
        case .retransmission, .outOfOrder, .overlapConflict, .duplicateAck, .zeroWindow, .windowFull, .keepAlive, .gap, .reset:
            name(kind)
        case .syn, .synRetransmission, .synAck, .handshakeComplete, .fin:
            nil
        }
    }

    /// Payload bytes the event is about; 0 for events without a size.
    static func bytes(_ kind: TCPEvent.Kind) -> Int64 {
        switch kind {
        case .retransmission(let length), .outOfOrder(let length), .gap(let length): Int64(length)
        case .overlapConflict(_, let length): Int64(length)
        default: 0
        }
    }

    /// Whether a text trace shows the event at all: SYN, SYN-ACK and FIN are left to the
    /// `connected` and `closed` lines.
    static func isShown(_ kind: TCPEvent.Kind) -> Bool {
        switch kind {
        case .syn, .synAck, .fin: false
        default: true
        }
    }

    /// `client` or `server`: who sent the packet that showed the event.
    static func side(_ direction: Direction) -> String {
        direction == .clientToServer ? "client" : "server"
    }

    /// One event in words: `server retransmitted 1.4 kB`.
    package static func text(_ event: TCPEvent) -> String {
        let sender = side(event.direction)
        let receiver = side(event.direction.reversed)
        switch event.kind {
        case .syn: return "SYN"
        case .synRetransmission: return "SYN sent again (no answer yet)"
        case .synAck: return "SYN-ACK"
        case .handshakeComplete(let roundTrip): return "connected (handshake \(TimestampFormat.duration(roundTrip)))"
        case .retransmission(let length) where length == 0: return "\(sender) retransmitted a SYN-ACK or FIN"
        case .retransmission(let length): return "\(sender) retransmitted \(size(length))"
        case .outOfOrder(let length): return "\(size(length)) from \(sender) arrived out of order"
        case .overlapConflict(let offset, let length):
            return "\(sender) resent \(size(length)) at stream offset \(offset) with different bytes (first copy kept)"
        case .duplicateAck: return "duplicate ACK from \(sender)"
        case .zeroWindow: return "zero window: \(sender) cannot take more data"
        case .windowFull: return "\(sender) filled \(receiver)'s receive window"
        case .keepAlive: return "keep-alive from \(sender)"
        case .gap(let length): return "gap: \(size(length)) from \(sender) missing from the capture"
        case .fin: return "FIN from \(sender)"
        case .reset: return "reset by \(sender) (RST)"
        }
    }

    /// The summary of a burst, printed at its last event: `… and 12 more server retransmissions
    /// (16.8 kB) since 17:04:06.120`.
    static func text(_ burst: TCPEventCoalescer.Burst) -> String {
        let sender = side(burst.key.direction)
        let nouns: (one: String, many: String)
        switch burst.key.kind {
        case .retransmission: nouns = ("\(sender) retransmission", "\(sender) retransmissions")
        case .outOfOrder: nouns = ("out-of-order segment from \(sender)", "out-of-order segments from \(sender)")
        case .overlapConflict:
            nouns = ("conflicting retransmission from \(sender)", "conflicting retransmissions from \(sender)")
        case .duplicateAck: nouns = ("duplicate ACK from \(sender)", "duplicate ACKs from \(sender)")
        case .zeroWindow: nouns = ("zero window from \(sender)", "zero windows from \(sender)")
        case .windowFull: nouns = ("full window from \(sender)", "full windows from \(sender)")
        case .keepAlive: nouns = ("keep-alive from \(sender)", "keep-alives from \(sender)")
        case .gap: nouns = ("gap from \(sender)", "gaps from \(sender)")
        case .reset: nouns = ("reset from \(sender)", "resets from \(sender)")
        default: nouns = ("\(burst.key.kind.rawValue) from \(sender)", "\(burst.key.kind.rawValue) events from \(sender)")
        }
        let what = burst.count == 1 ? nouns.one : nouns.many
        let bytes = burst.bytes > 0 ? " (\(ByteCountFormat.short(burst.bytes)))" : ""
        return "… and \(burst.count) more \(what)\(bytes) since \(TraceLayout.timeOfDay(burst.started))"
    }

    private static func size(_ length: Int) -> String {
        ByteCountFormat.short(Int64(length))
    }
}
