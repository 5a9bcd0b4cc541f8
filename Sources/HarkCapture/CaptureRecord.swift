public import HarkCore
public import NIOCore

/// One item read from a capture: a packet, or key material embedded in a pcapng file.
public enum CaptureRecord: Sendable {
    /// A captured packet.
    case frame(CapturedFrame)
    /// A pcapng Decryption Secrets Block, such as a TLS key log that dumpcap or editcap embedded.
    case decryptionSecrets(DecryptionSecrets)
}

/// One captured packet as stored in the file: link-layer bytes, timestamp and lengths.
public struct CapturedFrame: Sendable {
    /// The 1-based packet number in the file, as tshark numbers frames. A packet record that is
    /// damaged and skipped still uses up its number.
    public var number: Int
    /// When the packet was captured, in UTC. pcapng Simple Packet Blocks carry no time: their frames
    /// get the time of the packet before them (zero when there is none).
    public var timestamp: Timestamp
    /// The link-layer header type of `data`.
    public var linkType: LinkType
    /// The pcapng interface the packet was captured on; 0 in pcap files.
    public var interfaceIndex: Int
    /// The packet's length on the wire, which can exceed the bytes captured.
    public var originalLength: Int
    /// The captured bytes, starting with the link-layer header: a zero-copy slice of the read chunk.
    /// Copy what you keep beyond the current packet, or the whole chunk stays in memory.
    public var data: ByteBuffer
    /// The byte offset of the packet's record (pcap record header, pcapng block) in the file; -1 for a
    /// packet of a live capture, which has no file.
    public var fileOffset: Int64

    public init(
        number: Int,
        timestamp: Timestamp,
        linkType: LinkType,
        interfaceIndex: Int,
        originalLength: Int,
        data: ByteBuffer,
        fileOffset: Int64
    ) {
        self.number = number
        self.timestamp = timestamp
        self.linkType = linkType
        self.interfaceIndex = interfaceIndex
        self.originalLength = originalLength
        self.data = data
        self.fileOffset = fileOffset
    }

    /// Whether the capture holds fewer bytes than the packet had on the wire (the snapshot length cut it).
    public var isTruncated: Bool { data.readableBytes < originalLength }
}

/// Key material a pcapng file carries in a Decryption Secrets Block (pcapng §4.7).
public struct DecryptionSecrets: Sendable {
    /// What the bytes are.
    public var type: SecretsType
    /// The secrets, in the format `type` names (for `.tlsKeyLog`, NSS key log lines). The reader's own
    /// copy, independent of the read chunk.
    public var data: ByteBuffer
    /// The byte offset of the block in the file.
    public var fileOffset: Int64

    public init(type: SecretsType, data: ByteBuffer, fileOffset: Int64) {
        self.type = type
        self.data = data
        self.fileOffset = fileOffset
    }
}

/// The pcapng secrets type code of a Decryption Secrets Block.
public struct SecretsType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    @inlinable
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// `TLSK`: an NSS key log (`CLIENT_RANDOM …`, `CLIENT_TRAFFIC_SECRET_0 …` lines).
    public static let tlsKeyLog = SecretsType(rawValue: 0x544C_534B)
    /// `SSHK`: an SSH key log.
    public static let sshKeyLog = SecretsType(rawValue: 0x5353_484B)
    /// `WGKL`: a WireGuard key log.
    public static let wireGuardKeyLog = SecretsType(rawValue: 0x5747_4B4C)

    public var description: String {
        switch self {
        case .tlsKeyLog: "TLS key log"
        case .sshKeyLog: "SSH key log"
        case .wireGuardKeyLog: "WireGuard key log"
        default: "secrets type 0x\(String(rawValue, radix: 16))"
        }
    }
}
