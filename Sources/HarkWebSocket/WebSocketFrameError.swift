/// Why a direction's bytes stopped parsing as WebSocket frames. After one, frame boundaries are lost:
/// the rest of the direction is counted, not decoded.
public struct WebSocketFrameError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Base: Hashable, Sendable {
        case lengthHighBitSet(UInt64)
        case lengthOverLimit(UInt64, limit: Int)
    }

    private let base: Base

    /// A 64-bit payload length with its most significant bit set, which RFC 6455 §5.2 forbids.
    public static func lengthHighBitSet(_ length: UInt64) -> WebSocketFrameError { .init(base: .lengthHighBitSet(length)) }

    /// A payload length beyond `WebSocketLimits.maxFrameLength`.
    public static func lengthOverLimit(_ length: UInt64, limit: Int) -> WebSocketFrameError {
        .init(base: .lengthOverLimit(length, limit: limit))
    }

    public var description: String {
        switch base {
        case .lengthHighBitSet(let length):
            "frame declares a payload of \(length) bytes: the 64-bit length has its most significant bit set (RFC 6455 §5.2)"
        case .lengthOverLimit(let length, let limit):
            "frame declares a payload of \(length) bytes, more than the \(limit)-byte limit"
        }
    }
}
