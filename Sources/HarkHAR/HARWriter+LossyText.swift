import HarkCore
import HarkFormat
import NIOCore

extension HARWriter {
    /// Writes body bytes as one JSON string decoded as UTF-8, each ill-formed sequence replaced by U+FFFD
    /// (as `String(decoding:as:)` does, and as Chrome writes a binary request body in `postData.text`),
    /// in pieces like `writeBody(_:base64:)`. A character split between two pieces is decoded whole.
    ///
    /// - Returns: nil, or why the body's file could not be read back (the string then ends there).
    /// - Throws: the sink's error.
    mutating func writeLossyText(_ body: BodyStorage) throws -> BodyStorageError? {
        output.beginString()
        defer { output.endString() }
        var chunks = body.chunks(maxChunk: HARWriter.bodyChunk)
        var carried: [UInt8] = []
        while true {
            let piece: ByteBuffer
            do {
                guard let next = try chunks.next() else { break }
                piece = next
            } catch {
                output.appendEscaped(String(decoding: carried, as: UTF8.self))
                return error
            }
            var bytes = carried
            bytes.append(contentsOf: piece.readableBytesView)
            let complete = bytes.count - Self.unfinishedSuffixLength(bytes)
            output.appendEscaped(String(decoding: bytes[..<complete], as: UTF8.self))
            carried = Array(bytes[complete...])
            try flushIfFull()
        }
        output.appendEscaped(String(decoding: carried, as: UTF8.self))
        return nil
    }

    /// How many bytes at the end of `bytes` begin a multi-byte character that the next piece may finish:
    /// a lead byte among the last three whose sequence is longer than what follows it.
    static func unfinishedSuffixLength(_ bytes: [UInt8]) -> Int {
        for back in 1...3 where back <= bytes.count {
            let byte = bytes[bytes.count - back]
            if byte & 0xC0 == 0x80 { continue }  // a continuation byte: look further back
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            return length > back ? back : 0
        }
        return 0
    }
}
