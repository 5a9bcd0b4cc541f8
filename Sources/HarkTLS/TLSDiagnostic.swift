public import HarkCore

/// A TLS anomaly on one connection: which direction, where in the stream, which record, what was wrong.
public struct TLSDiagnostic: Hashable, Sendable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Hashable, Sendable {
        /// Bytes that do not start a TLS record (unknown content type or version); the direction's later
        /// bytes are only counted.
        case notARecord
        /// A record header announced more than `TLSLimits.maxRecordLength` bytes; the direction's later
        /// bytes are only counted.
        case recordTooLarge(length: Int)
        /// Bytes lost in capture ended record framing in this direction (the gap did not end inside the
        /// record it started in); later bytes are only counted.
        case gapLostFraming
        /// Bytes lost in capture inside one record; that record is lost, framing continues after it.
        case gapInRecord
        /// The direction ended inside a record.
        case truncatedRecord
        /// A handshake message could not be parsed; the session parameters it carried are unknown.
        case malformedHandshake
        /// A handshake message the analyzer reads was larger than `TLSLimits.maxHandshakeMessageLength`;
        /// it was skipped.
        case handshakeMessageTooLarge(length: Int)
        /// A record failed authentication (AEAD tag, MAC or padding): the logged secret does not fit.
        /// This direction is no longer decrypted.
        case authenticationFailed
        /// The key log has no secret for the session's client random (only reported when the key log is
        /// not empty). The connection is not decrypted.
        case noKeys(clientRandom: TLSRandom)
        /// The suite's record protection is not implemented; the connection is not decrypted.
        case unsupportedCipher(TLSCipherSuite)
        /// The negotiated version is not decrypted.
        case unsupportedVersion(TLSVersion)
        /// Encrypted records arrived but no ClientHello/ServerHello was seen: the capture started
        /// mid-connection.
        case handshakeNotSeen
        /// An SSL 2.0-compatible ClientHello (RFC 5246 §E.2) was skipped; the session cannot be decrypted.
        case sslv2ClientHello
        /// The capture began inside a record: its rest, `skipped` bytes, was skipped up to the first
        /// record header.
        case joinedMidRecord(skipped: Int)
        /// The peer sent an alert other than close_notify.
        case alert(level: UInt8, description: UInt8)
    }

    /// What was wrong.
    public var kind: Kind
    /// Which direction's bytes.
    public var direction: Direction
    /// Stream offset of the record (or byte) concerned.
    public var streamOffset: Int64
    /// 1-based number of the record in its direction, when the anomaly is about one record.
    public var recordNumber: Int?
    /// Capture time of the segment where it was found.
    public var time: Timestamp

    /// A diagnostic of `kind` in `direction` at `streamOffset`.
    public init(_ kind: Kind, direction: Direction, streamOffset: Int64, recordNumber: Int? = nil, time: Timestamp) {
        self.kind = kind
        self.direction = direction
        self.streamOffset = streamOffset
        self.recordNumber = recordNumber
        self.time = time
    }

    /// Whether plaintext is missing because of it (`.error`) or it is only worth knowing (`.warning`).
    public var severity: Diagnostic.Severity {
        switch kind {
        case .notARecord, .recordTooLarge, .gapLostFraming, .gapInRecord, .authenticationFailed, .unsupportedCipher,
            .unsupportedVersion, .malformedHandshake:
            .error
        case .truncatedRecord, .handshakeMessageTooLarge, .noKeys, .handshakeNotSeen, .sslv2ClientHello, .alert,
            .joinedMidRecord:
            .warning
        }
    }

    /// `record 7 in server→client (offset 5120) failed authentication: wrong key?`.
    public var description: String {
        let what: String
        switch kind {
        case .notARecord: what = "bytes are not a TLS record; rest of this direction not decrypted"
        case .recordTooLarge(let length):
            what = "record length \(length) exceeds the limit; rest of this direction not decrypted"
        case .gapLostFraming:
            what = "bytes lost in capture across record boundaries; rest of this direction not decrypted"
        case .gapInRecord: what = "bytes lost in capture inside this record; its content is lost"
        case .truncatedRecord: what = "stream ended inside a record"
        case .malformedHandshake: what = "malformed handshake message"
        case .handshakeMessageTooLarge(let length):
            what = "handshake message of \(length) bytes exceeds the limit, skipped"
        case .authenticationFailed: what = "failed authentication: wrong key?"
        case .noKeys(let random): what = "no key log secret for client random \(random); not decrypted"
        case .unsupportedCipher(let suite): what = "cipher suite \(suite) cannot be decrypted"
        case .unsupportedVersion(let version): what = "\(version) cannot be decrypted"
        case .handshakeNotSeen: what = "encrypted records without a handshake in the capture; not decrypted"
        case .sslv2ClientHello: what = "SSL 2.0-compatible ClientHello skipped; not decrypted"
        case .joinedMidRecord(let skipped):
            what = "capture starts inside a record; its last \(skipped) bytes skipped up to the next record"
        case .alert(let level, let description): what = Alert(level: level, description: description).text
        }
        let record = recordNumber.map { "record \($0) in " } ?? ""
        return "\(record)\(direction) (offset \(streamOffset)): \(what)"
    }

    /// The anomaly as a run-wide `Diagnostic`, for a connection numbered `connectionID`.
    public func diagnostic(connectionID: Int? = nil) -> Diagnostic {
        Diagnostic(severity, "TLS: \(description)", connectionID: connectionID)
    }
}
