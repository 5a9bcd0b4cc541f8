import HarkCore
/// Bounds on what one `HTTP1Analyzer` keeps in memory. Exceeding one is reported, never fatal.
///
/// The analyzer raises nonsensical values to the smallest workable ones (`clamped`): a head limit below
/// 16 bytes becomes 16, negative counts become 0, a decoded-body cap below 1 becomes 1.
public struct HTTP1Limits: Hashable, Sendable {
    /// Largest request or status line plus header section, including the blank line; also bounds a
    /// trailer section. Larger heads are reported and skipped. Default 64 KiB.
    public var maxHeadBytes: Int
    /// Most header fields kept per message; later ones are dropped and reported. Default 256.
    public var maxHeaderCount: Int
    /// Most transfer-decoded body bytes kept per message; later ones are counted, not kept, and the
    /// body is flagged truncated. Default 16 MiB.
    public var maxBodyBytes: Int
    /// Most content-decoded bytes produced per body (a decompression-bomb cap). Default 64 MiB.
    public var maxDecodedBodyBytes: Int
    /// Most requests waiting for a response (pipelining); beyond it the oldest is emitted without one.
    /// Default 64.
    public var maxPendingRequests: Int
    /// Most client bytes held back while an `Upgrade` or `CONNECT` request waits for its answer (they
    /// become tunnel data or are parsed as HTTP once the response is seen). Default 64 KiB.
    public var maxHeldBytes: Int

    /// Limits with the documented defaults, or the values given.
    public init(
        maxHeadBytes: Int = 64 << 10,
        maxHeaderCount: Int = 256,
        maxBodyBytes: Int = 16 << 20,
        maxDecodedBodyBytes: Int = 64 << 20,
        maxPendingRequests: Int = 64,
        maxHeldBytes: Int = 64 << 10
    ) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBodyBytes = maxDecodedBodyBytes
        self.maxPendingRequests = maxPendingRequests
        self.maxHeldBytes = maxHeldBytes
    }

    /// These limits with every value raised to the smallest the analyzer can work with.
    public var clamped: HTTP1Limits {
        HTTP1Limits(
            maxHeadBytes: max(16, maxHeadBytes),
            maxHeaderCount: max(0, maxHeaderCount),
            maxBodyBytes: max(0, maxBodyBytes),
            maxDecodedBodyBytes: max(1, maxDecodedBodyBytes),
            maxPendingRequests: max(1, maxPendingRequests),
            maxHeldBytes: max(0, maxHeldBytes)
        )
    }
}
