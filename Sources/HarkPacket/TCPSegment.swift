public import HarkCore
public import NIOCore

/// One decoded TCP segment: the fields reassembly needs, and its payload as a zero-copy slice of the
/// captured frame.
///
/// The payload slice shares storage with the capture chunk it came from: anything that keeps it beyond
/// the current packet (out-of-order buffering) must copy it.
public struct TCPSegment: Sendable {
    /// Sender address and port.
    public var source: Endpoint
    /// Receiver address and port.
    public var destination: Endpoint
    /// The sequence number of the first payload byte (of the SYN itself when SYN is set).
    public var sequenceNumber: UInt32
    /// The next sequence number the sender expects, meaningful when `flags` contains `.ack`.
    public var acknowledgmentNumber: UInt32
    /// Control bits.
    public var flags: TCPFlags
    /// The raw (unscaled) receive window.
    public var window: UInt16
    /// Options of interest: MSS, window scale, SACK, timestamps.
    public var options: TCPOptions
    /// The payload bytes that were captured; fewer than `payloadLength` when the frame was cut by the
    /// snapshot length.
    public var payload: ByteBuffer
    /// The payload length the IP header declares. Bytes beyond `payload.readableBytes` were on the
    /// wire but not captured, and reassembly reports them as a gap.
    public var payloadLength: Int

    public init(
        source: Endpoint,
        destination: Endpoint,
        sequenceNumber: UInt32,
        acknowledgmentNumber: UInt32,
        flags: TCPFlags,
        window: UInt16,
        options: TCPOptions = TCPOptions(),
        payload: ByteBuffer,
        payloadLength: Int? = nil
    ) {
        self.source = source
        self.destination = destination
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.options = options
        self.payload = payload
        self.payloadLength = payloadLength ?? payload.readableBytes
    }

    /// Whether the capture holds fewer payload bytes than were sent.
    public var isPayloadTruncated: Bool { payload.readableBytes < payloadLength }
}

/// The TCP options hark uses, parsed once per segment without allocating.
public struct TCPOptions: Hashable, Sendable {
    /// Maximum segment size (kind 2), on SYNs.
    public var maximumSegmentSize: UInt16?
    /// Window scale shift count (kind 3), on SYNs.
    public var windowScale: UInt8?
    /// Whether SACK is permitted (kind 4), on SYNs.
    public var sackPermitted: Bool = false
    /// Number of SACK blocks present (kind 5); at most 4 fit in the option space.
    public var sackBlockCount: Int = 0
    /// The first SACK block's left and right edges, when any.
    public var firstSACKBlock: SACKBlock?
    /// Timestamp value and echo reply (kind 8).
    public var timestamp: TCPTimestampOption?

    public init(
        maximumSegmentSize: UInt16? = nil,
        windowScale: UInt8? = nil,
        sackPermitted: Bool = false,
        sackBlockCount: Int = 0,
        firstSACKBlock: SACKBlock? = nil,
        timestamp: TCPTimestampOption? = nil
    ) {
        self.maximumSegmentSize = maximumSegmentSize
        self.windowScale = windowScale
        self.sackPermitted = sackPermitted
        self.sackBlockCount = sackBlockCount
        self.firstSACKBlock = firstSACKBlock
        self.timestamp = timestamp
    }
}

/// One selective-acknowledgment block: the receiver holds `[left, right)`.
public struct SACKBlock: Hashable, Sendable {
    public var left: UInt32
    public var right: UInt32

    public init(left: UInt32, right: UInt32) {
        self.left = left
        self.right = right
    }
}

/// The TCP timestamps option (RFC 7323 §3).
public struct TCPTimestampOption: Hashable, Sendable {
    /// TSval: the sender's clock.
    public var value: UInt32
    /// TSecr: the most recent TSval received from the peer.
    public var echoReply: UInt32

    public init(value: UInt32, echoReply: UInt32) {
        self.value = value
        self.echoReply = echoReply
    }
}
