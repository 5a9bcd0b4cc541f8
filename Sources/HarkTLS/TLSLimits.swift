/// Bounds on what one `TLSAnalyzer` keeps in memory. Exceeding one is reported, never fatal.
///
/// Per direction the analyzer holds at most one incomplete record (`5 + maxRecordLength` bytes), one
/// handshake message it needs to read (`maxHandshakeMessageLength`) and one record's plaintext.
public struct TLSLimits: Hashable, Sendable {
    /// Largest record fragment accepted, in bytes. A record header announcing more is taken as the end
    /// of TLS framing in that direction: it is reported and the direction's later bytes are only counted.
    /// Default 18 432 (2^14 + 2048, the `TLSCiphertext` bound of RFC 5246 §6.2.3; TLS 1.3 allows less).
    public var maxRecordLength: Int
    /// Largest ClientHello, ServerHello, EncryptedExtensions or KeyUpdate message read, in bytes; a larger
    /// one is reported and skipped. Messages the analyzer does not read (certificates, tickets) are
    /// skipped at any size without being held. Default 64 KiB.
    public var maxHandshakeMessageLength: Int

    /// Limits with the documented defaults, or the values given.
    public init(maxRecordLength: Int = 16_384 + 2_048, maxHandshakeMessageLength: Int = 64 << 10) {
        self.maxRecordLength = maxRecordLength
        self.maxHandshakeMessageLength = maxHandshakeMessageLength
    }

    /// These limits with every value raised to the smallest the analyzer can work with (a record must
    /// hold a 16-byte tag and some content, a ServerHello is at least 38 bytes).
    public var clamped: TLSLimits {
        TLSLimits(
            maxRecordLength: max(64, maxRecordLength), maxHandshakeMessageLength: max(64, maxHandshakeMessageLength))
    }
}
