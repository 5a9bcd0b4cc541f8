/// UTF-8 validation of bytes that come in pieces (a body read back in chunks): a character split
/// between two pieces is put together before it is checked, so the verdict is the same however the
/// bytes are cut.
///
/// ### Example
/// ```swift
/// var validator = UTF8StreamValidator()
/// for chunk in chunks { chunk.withUnsafeBufferPointer { validator.feed($0) } }
/// let isText = validator.isComplete
/// ```
public struct UTF8StreamValidator: Sendable {
    /// Whether the bytes fed so far are valid UTF-8, a character possibly left unfinished at the end.
    public private(set) var isValid = true
    /// The bytes of an unfinished character at the end of the last piece, first byte lowest.
    private var pending: UInt32 = 0
    private var pendingCount = 0
    /// The length of that character, from its first byte.
    private var pendingLength = 0

    public init() {}

    /// Whether everything fed is valid UTF-8 and no character is left unfinished.
    public var isComplete: Bool { isValid && pendingCount == 0 }

    /// Checks the next piece.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard isValid, !bytes.isEmpty else { return }
        var start = 0
        if pendingCount > 0 {
            while pendingCount < pendingLength, start < bytes.count {
                hold(bytes[start])
                start += 1
            }
            guard isValid, pendingCount == pendingLength else { return }
            var character = pending.littleEndian
            let length = pendingLength
            isValid = withUnsafeBytes(of: &character) { raw in
                UTF8Validation.isValid(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[..<length]))
            }
            pending = 0
            pendingCount = 0
            guard isValid else { return }
        }
        let end = Self.unfinishedStart(bytes, from: start)
        isValid = UTF8Validation.isValid(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        guard isValid, end < bytes.count else { return }
        pendingLength = Self.sequenceLength(bytes[end])
        for index in end..<bytes.count { hold(bytes[index]) }
    }

    /// Keeps one byte of an unfinished character, checking it as far as it goes: the second byte's range
    /// depends on the first (RFC 3629 §4), later ones are 80…BF.
    private mutating func hold(_ byte: UInt8) {
        if pendingCount == 1 {
            let lead = UInt8(truncatingIfNeeded: pending)
            let range: ClosedRange<UInt8> =
                switch lead {
                case 0xE0: 0xA0...0xBF
                case 0xED: 0x80...0x9F
                case 0xF0: 0x90...0xBF
                case 0xF4: 0x80...0x8F
                default: 0x80...0xBF
                }
            if !range.contains(byte) { isValid = false }
        } else if pendingCount > 1, byte & 0xC0 != 0x80 {
            isValid = false
        }
        pending |= UInt32(byte) << (8 * UInt32(pendingCount))
        pendingCount += 1
    }

    /// Where a character that the piece's last bytes leave unfinished begins (`bytes.count` when none):
    /// a lead byte among the last three whose sequence needs more bytes than follow it.
    private static func unfinishedStart(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = bytes.count
        while index > start, bytes.count - index < 3 {
            index -= 1
            let byte = bytes[index]
            if byte & 0xC0 == 0x80 { continue }
            return sequenceLength(byte) > bytes.count - index ? index : bytes.count
        }
        return bytes.count
    }

    /// The length of the sequence `lead` begins (RFC 3629 §4), 1 for ASCII and for bytes that begin
    /// none (which full validation then rejects).
    private static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xC2...0xDF: 2
        case 0xE0...0xEF: 3
        case 0xF0...0xF4: 4
        default: 1
        }
    }
}
