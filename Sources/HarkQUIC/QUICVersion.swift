/// A QUIC version number (RFC 9000 §15), with what hark needs to read each version it knows: QUIC v1
/// (RFC 9000/9001) and QUIC v2 (RFC 9369), which differ in the Initial salt, the key labels and the
/// encoding of long-header packet types.
public struct QUICVersion: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32

    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// QUIC version 1 (RFC 9000).
    public static let v1 = QUICVersion(rawValue: 0x0000_0001)
    /// QUIC version 2 (RFC 9369).
    public static let v2 = QUICVersion(rawValue: 0x6B33_43CF)
    /// The version field of a Version Negotiation packet (RFC 9000 §17.2.1).
    public static let negotiation = QUICVersion(rawValue: 0)

    /// Whether hark can decrypt packets of this version.
    public var isKnown: Bool { self == .v1 || self == .v2 }

    /// The salt of the Initial secret (RFC 9001 §5.2, RFC 9369 §3.3.1).
    var initialSalt: [UInt8]? {
        switch self {
        case .v1: [0x38, 0x76, 0x2C, 0xF7, 0xF5, 0x59, 0x34, 0xB3, 0x4D, 0x17, 0x9A, 0xE6, 0xA4, 0xC8, 0x0C, 0xAD, 0xCC, 0xBB, 0x7F, 0x0A]
        case .v2: [0x0D, 0xED, 0xE3, 0xDE, 0xF7, 0x00, 0xA6, 0xDB, 0x81, 0x93, 0x81, 0xBE, 0x6E, 0x26, 0x9D, 0xCB, 0xF9, 0xBD, 0x2E, 0xD9]
        default: nil
        }
    }

    /// The prefix of the packet protection labels: `quic key` in v1, `quicv2 key` in v2 (RFC 9369 §3.3.2).
    var labelPrefix: String { self == .v2 ? "quicv2" : "quic" }

    /// The long-header packet type of the two type bits of a first byte (RFC 9000 §17.2, RFC 9369 §3.2).
    func packetType(bits: UInt8) -> QUICLongPacketType {
        if self == .v2 {
            switch bits & 3 {
            case 1: return .initial
            case 2: return .zeroRTT
            case 3: return .handshake
            default: return .retry
            }
        }
        switch bits & 3 {
        case 0: return .initial
        case 1: return .zeroRTT
        case 2: return .handshake
        default: return .retry
        }
    }

    /// `QUIC v1`, `QUIC v2`, `version negotiation`, or the number for another version.
    public var description: String {
        switch self {
        case .v1: "QUIC v1"
        case .v2: "QUIC v2"
        case .negotiation: "version negotiation"
        default: "QUIC version 0x\(String(rawValue, radix: 16))"
        }
    }
}

/// The kinds of long-header packet (RFC 9000 §17.2).
public enum QUICLongPacketType: String, Hashable, Sendable {
    case initial = "Initial"
    case zeroRTT = "0-RTT"
    case handshake = "Handshake"
    case retry = "Retry"
}
