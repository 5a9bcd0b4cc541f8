public import HarkCore
import HarkFormat
import NIOCore

/// Body bytes to put in a HAR `text` field: as a JSON string when they are valid UTF-8, as base64
/// otherwise (or always, on request).
///
/// The writer decides at write time, reading the bytes in place and in chunks: building a `HARBody`
/// from a captured body copies nothing, and a body spilled to disk is streamed, never read whole.
public struct HARBody: Hashable, Sendable {
    /// How the bytes become text.
    public struct Encoding: Hashable, Sendable {
        fileprivate enum Base: Hashable, Sendable {
            case automatic
            case base64
        }

        fileprivate let base: Base

        /// Text when the bytes are valid UTF-8, base64 otherwise. Invalid UTF-8 never reaches the JSON.
        public static let automatic = Encoding(base: .automatic)
        /// Always base64, for payloads whose byte-exactness matters more than readability.
        public static let base64 = Encoding(base: .base64)
    }

    /// The decoded body: HAR wants it after transfer and content decoding ("decompressed & unchunked").
    public var bytes: BodyStorage
    /// How the bytes become text.
    public var encoding: Encoding
    /// The body's length before it was cut to `bytes` (`--max-body-size`), or nil when it was not cut;
    /// the writer then says so in the `comment` beside the text.
    public var uncutLength: Int?

    /// A body from captured bytes.
    public init(_ bytes: BodyStorage, encoding: Encoding = .automatic) {
        self.bytes = bytes
        self.encoding = encoding
    }

    /// A body from text (written as text, since a `String` is always valid UTF-8).
    public init(_ text: String) {
        self.bytes = BodyStorage(ByteBuffer(string: text))
        self.encoding = .automatic
    }

    /// Whether the writer will base64-encode these bytes: on request, or when they are not valid UTF-8
    /// (checked chunk by chunk; a body whose file cannot be read back counts as not UTF-8).
    public var isWrittenAsBase64: Bool {
        guard encoding == .automatic else { return true }
        var validator = UTF8StreamValidator()
        var chunks = bytes.chunks()
        do {
            while let chunk = try chunks.next() {
                chunk.withUnsafeReadableBytes { validator.feed($0.assumingMemoryBound(to: UInt8.self)) }
                guard validator.isValid else { return true }
            }
        } catch {
            return true
        }
        return !validator.isComplete
    }
}
