public import NIOCore

/// Recognises a FastCGI connection by the shape of the web server's first record (LIVE-AND-VIEWS §8),
/// on any port: version 1, type `BEGIN_REQUEST`, a non-zero request id, an 8-byte body naming a defined
/// role with only the `KEEP_CONN` flag, and, when more bytes follow, another web-server record of
/// version 1 for a request id in use.
public enum FastCGIRecordShape {
    /// What the bytes look like.
    public enum Verdict: Hashable, Sendable {
        /// A FastCGI web server's first records.
        case records
        /// A start that could still be one: too few bytes to tell.
        case needMore
        /// Not FastCGI.
        case other
    }

    /// Whether `bytes`, the first a side sent, are a FastCGI web server's first records.
    public static func classify(_ bytes: ByteBuffer) -> Verdict {
        let expected: [UInt8] = [FastCGIRecordHeader.version1, FastCGIRecordType.beginRequest.rawValue]
        let view = bytes.readableBytesView
        guard view.prefix(expected.count).elementsEqual(expected.prefix(view.count)) else { return .other }
        guard let header = FastCGIRecordHeader.peek(bytes) else { return .needMore }
        guard header.requestID != 0, header.contentLength == 8 else { return .other }
        guard let body = bytes.getSlice(at: bytes.readerIndex + FastCGIRecordHeader.length, length: 8) else {
            return .needMore
        }
        guard let role = body.getInteger(at: body.readerIndex, as: UInt16.self),
            let flags = body.getInteger(at: body.readerIndex + 2, as: UInt8.self),
            (1...3).contains(role), flags & ~1 == 0
        else { return .other }
        // The next record, when its header is there: version 1, a web server's type.
        let rest = bytes.readableBytes - header.recordLength
        guard rest >= 0 else { return .needMore }
        guard let next = bytes.getSlice(at: bytes.readerIndex + header.recordLength, length: rest),
            let nextHeader = FastCGIRecordHeader.peek(next)
        else { return .records }
        let plausible = nextHeader.version == FastCGIRecordHeader.version1 && nextHeader.type.isFromWebServer
        return plausible ? .records : .other
    }
}
