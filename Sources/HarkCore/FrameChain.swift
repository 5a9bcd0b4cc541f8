public import NIOCore

/// A run of length-prefixed units (HTTP/2 frames, TLS records) found in the first bytes of a direction
/// whose start was not captured: each unit's header is believable and says where the next one starts,
/// and the chain runs over every byte after `offset` (the last unit may be incomplete).
///
/// This is how a protocol is recognised on a connection joined mid-way, when its opening bytes (the
/// HTTP/2 preface, the TLS handshake) were sent before the capture began.
public struct FrameChain: Hashable, Sendable {
    /// Bytes before the first unit (a unit cut by the capture's start).
    public var offset: Int
    /// Units complete within the bytes examined.
    public var completeUnits: Int

    /// A chain from its parts.
    public init(offset: Int, completeUnits: Int) {
        self.offset = offset
        self.completeUnits = completeUnits
    }

    /// Finds the first offset, at most `maxOffset`, from which units chain over the bytes.
    ///
    /// - Parameters:
    ///   - bytes: the direction's first bytes.
    ///   - headerLength: bytes needed to read a unit's header.
    ///   - maxOffset: the furthest start tried (the largest unit a capture could have cut).
    ///   - minimumUnits: complete units needed for a chain to count.
    ///   - unitLength: the whole length (header included) of the unit whose header starts at the given
    ///     reader index, or nil when that header is not believable.
    /// - Returns: the chain, or nil when no start within `maxOffset` chains.
    ///
    /// At most `maxUnits` units are followed from each start: that many believable headers in a row
    /// are evidence enough, and the search stays linear in the bytes examined.
    public static func find(
        in bytes: ByteBuffer,
        headerLength: Int,
        maxOffset: Int,
        minimumUnits: Int,
        unitLength: (ByteBuffer, Int) -> Int?
    ) -> FrameChain? {
        let count = bytes.readableBytes
        guard headerLength > 0, count >= headerLength else { return nil }
        for start in 0...min(maxOffset, count - headerLength) {
            if let units = chainedUnits(bytes, from: start, headerLength: headerLength, unitLength: unitLength),
                units >= minimumUnits
            {
                return FrameChain(offset: start, completeUnits: units)
            }
        }
        return nil
    }

    /// The most units followed from one start.
    static let maxUnits = 64

    /// Complete units chaining from `start` to the end of the bytes, or nil when a header breaks the chain.
    private static func chainedUnits(
        _ bytes: ByteBuffer,
        from start: Int,
        headerLength: Int,
        unitLength: (ByteBuffer, Int) -> Int?
    ) -> Int? {
        let end = bytes.readableBytes
        var position = start
        var units = 0
        while end - position >= headerLength, units < maxUnits {
            guard let length = unitLength(bytes, bytes.readerIndex + position), length >= headerLength else {
                return nil
            }
            guard end - position >= length else { break }
            position += length
            units += 1
        }
        return units
    }
}
