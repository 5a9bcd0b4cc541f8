/// Bounds on what one `HTTP2Analyzer` keeps in memory. Exceeding one is reported, never fatal.
public struct HTTP2Limits: Hashable, Sendable {
    /// Most streams open at once; a new stream beyond it makes the oldest open one be emitted as
    /// incomplete. Default 1024 (peers usually allow 100 to 250 concurrent streams).
    public var maxOpenStreams: Int
    /// Largest decoded header list (RFC 7541 size: name + value + 32 per field) per header block, and
    /// largest header block (HEADERS plus CONTINUATION fragments) buffered. Default 64 KiB.
    public var maxHeaderListSize: Int
    /// Largest HPACK dynamic table accepted from SETTINGS_HEADER_TABLE_SIZE. Default 64 KiB.
    public var maxHeaderTableSize: Int
    /// Most DATA bytes kept per message; later ones are counted, not kept. Default 16 MiB.
    public var maxBodyBytes: Int
    /// Most content-decoded bytes produced per body (a decompression-bomb cap). Default 64 MiB.
    public var maxDecodedBodyBytes: Int
    /// Most gRPC messages kept per direction of a call; later ones are counted. Default 1024.
    public var maxGRPCMessages: Int

    /// Limits with the documented defaults, or the values given.
    public init(
        maxOpenStreams: Int = 1024,
        maxHeaderListSize: Int = 64 << 10,
        maxHeaderTableSize: Int = 64 << 10,
        maxBodyBytes: Int = 16 << 20,
        maxDecodedBodyBytes: Int = 64 << 20,
        maxGRPCMessages: Int = 1024
    ) {
        self.maxOpenStreams = maxOpenStreams
        self.maxHeaderListSize = maxHeaderListSize
        self.maxHeaderTableSize = maxHeaderTableSize
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBodyBytes = maxDecodedBodyBytes
        self.maxGRPCMessages = maxGRPCMessages
    }

    /// These limits with every value raised to the smallest the analyzer can work with.
    public var clamped: HTTP2Limits {
        HTTP2Limits(
            maxOpenStreams: max(1, maxOpenStreams),
            maxHeaderListSize: max(1, maxHeaderListSize),
            maxHeaderTableSize: max(0, maxHeaderTableSize),
            maxBodyBytes: max(0, maxBodyBytes),
            maxDecodedBodyBytes: max(1, maxDecodedBodyBytes),
            maxGRPCMessages: max(0, maxGRPCMessages)
        )
    }
}
