/// The record layer's `ContentType` (RFC 8446 §5.1, RFC 5246 §6.2.1).
struct ContentType: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt8

    static let changeCipherSpec = ContentType(rawValue: 20)
    static let alert = ContentType(rawValue: 21)
    static let handshake = ContentType(rawValue: 22)
    static let applicationData = ContentType(rawValue: 23)
    /// RFC 6520.
    static let heartbeat = ContentType(rawValue: 24)

    /// Whether a record header may carry it: anything else means the bytes are not TLS records.
    var isKnown: Bool { (20...24).contains(rawValue) }
}

/// `HandshakeType` (RFC 8446 §4, RFC 5246 §7.4).
package struct HandshakeType: RawRepresentable, Hashable, Sendable {
    package var rawValue: UInt8

    package init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    package static let clientHello = HandshakeType(rawValue: 1)
    package static let serverHello = HandshakeType(rawValue: 2)
    package static let encryptedExtensions = HandshakeType(rawValue: 8)
    static let serverHelloDone = HandshakeType(rawValue: 14)
    static let finished = HandshakeType(rawValue: 20)
    static let keyUpdate = HandshakeType(rawValue: 24)

    /// Whether the analyzer reads the message body (the others are skipped, whatever their size).
    var isParsed: Bool {
        switch self {
        case .clientHello, .serverHello, .encryptedExtensions, .keyUpdate: true
        default: false
        }
    }
}

/// `ExtensionType` values the analyzer reads (IANA TLS ExtensionType Values).
struct ExtensionType: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16

    /// RFC 6066 §3.
    static let serverName = ExtensionType(rawValue: 0)
    /// RFC 7301.
    static let applicationLayerProtocolNegotiation = ExtensionType(rawValue: 16)
    /// RFC 7366.
    static let encryptThenMAC = ExtensionType(rawValue: 22)
    /// RFC 7627.
    static let extendedMasterSecret = ExtensionType(rawValue: 23)
    /// RFC 8446 §4.2.11.
    static let preSharedKey = ExtensionType(rawValue: 41)
    /// RFC 8446 §4.2.10.
    static let earlyData = ExtensionType(rawValue: 42)
    /// RFC 8446 §4.2.1.
    static let supportedVersions = ExtensionType(rawValue: 43)
}

/// `AlertLevel` and `AlertDescription` (RFC 8446 §6, RFC 5246 §7.2).
struct Alert: Hashable, Sendable {
    var level: UInt8
    var description: UInt8

    /// `close_notify`: the sender will send no more data.
    var isCloseNotify: Bool { description == 0 }

    /// `fatal alert handshake_failure (40)`.
    var text: String {
        let level = level == 2 ? "fatal" : level == 1 ? "warning" : "level \(level)"
        return "\(level) alert \(Alert.names[description] ?? "unknown") (\(description))"
    }

    private static let names: [UInt8: String] = [
        0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 21: "decryption_failed",
        22: "record_overflow", 40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
        44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter",
        48: "unknown_ca", 49: "access_denied", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version",
        71: "insufficient_security", 80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
        100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension", 112: "unrecognized_name",
        113: "bad_certificate_status_response", 115: "unknown_psk_identity", 116: "certificate_required",
        120: "no_application_protocol",
    ]
}
