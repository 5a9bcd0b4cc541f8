/// A TLS protocol version as it appears on the wire (`ProtocolVersion`, RFC 8446 §4.1.2).
///
/// Unknown values (GREASE, drafts, DTLS) survive as their raw number.
public struct TLSVersion: RawRepresentable, Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The two bytes of the wire value, major then minor.
    public var rawValue: UInt16

    /// The version with wire value `rawValue`.
    @inlinable
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// SSL 3.0 (RFC 6101); recognised, not decrypted.
    public static let ssl30 = TLSVersion(rawValue: 0x0300)
    /// TLS 1.0 (RFC 2246).
    public static let tls10 = TLSVersion(rawValue: 0x0301)
    /// TLS 1.1 (RFC 4346).
    public static let tls11 = TLSVersion(rawValue: 0x0302)
    /// TLS 1.2 (RFC 5246).
    public static let tls12 = TLSVersion(rawValue: 0x0303)
    /// TLS 1.3 (RFC 8446).
    public static let tls13 = TLSVersion(rawValue: 0x0304)

    /// Orders versions by wire value (SSL 3.0 < TLS 1.0 < … < TLS 1.3).
    @inlinable
    public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `TLS 1.2`, `SSL 3.0`, or the hex value (`0x7F1C`) for anything else.
    public var description: String {
        switch self {
        case .ssl30: "SSL 3.0"
        case .tls10: "TLS 1.0"
        case .tls11: "TLS 1.1"
        case .tls12: "TLS 1.2"
        case .tls13: "TLS 1.3"
        default: hex4(rawValue)
        }
    }
}

/// `0x` and four upper-case hex digits.
func hex4(_ value: UInt16) -> String {
    let digits = Array("0123456789ABCDEF".utf8)
    var text: [UInt8] = Array("0x".utf8)
    for shift in stride(from: 12, through: 0, by: -4) {
        text.append(digits[Int((value >> UInt16(shift)) & 0xF)])
    }
    return String(decoding: text, as: UTF8.self)
}
