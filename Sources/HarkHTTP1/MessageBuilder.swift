import HarkContentCoding
import HarkCore
import NIOCore

/// A message being read: its head, the body bytes kept so far, and where it sits in the stream.
struct MessageBuilder {
    /// The parsed head; nil for an HTTP/0.9 response, which has none.
    var head: ParsedHead?
    var headSize: Int
    var framing: BodyFraming
    var startOffset: Int64
    var firstByteTime: Timestamp
    var lastByteTime: Timestamp
    /// False for a head cut short by a gap or the end of the stream.
    var isHeadComplete = true
    /// Transfer-decoded body bytes kept, allocated on the first body byte.
    private var kept: ByteBuffer?
    /// Transfer-decoded body bytes seen, kept or not.
    private var length = 0

    /// A message whose head began at `firstByteTime` and was complete at `headEndTime`.
    init(
        head: ParsedHead?,
        headSize: Int,
        framing: BodyFraming,
        startOffset: Int64,
        firstByteTime: Timestamp,
        headEndTime: Timestamp
    ) {
        self.head = head
        self.headSize = headSize
        self.framing = framing
        self.startOffset = startOffset
        self.firstByteTime = firstByteTime
        self.lastByteTime = headEndTime
    }

    /// Appends body bytes, keeping at most `limit` of the whole body (copied out of capture storage).
    mutating func append(_ bytes: ByteBuffer, at time: Timestamp, limit: Int) {
        lastByteTime = time
        let keptCount = kept?.readableBytes ?? 0
        length &+= bytes.readableBytes
        let room = limit - keptCount
        guard room > 0 else { return }
        if kept == nil {
            let expected = if case .contentLength(let declared) = framing { declared } else { bytes.readableBytes }
            // Reserve for the declared length, but not more than 1 MiB on the word of the wire.
            kept = ByteBufferAllocator().buffer(capacity: min(max(expected, bytes.readableBytes), limit, 1 << 20))
        }
        if bytes.readableBytes <= room {
            kept?.writeImmutableBuffer(bytes)
        } else if let prefix = bytes.getSlice(at: bytes.readerIndex, length: room) {
            kept?.writeImmutableBuffer(prefix)
        }
    }

    /// The body as it ended, with content codings undone when the whole body was captured and
    /// `decodesContent` is set.
    func body(_ end: MessageReader.BodyEnd, limits: HTTP1Limits, decodesContent: Bool) -> HTTP1Body {
        var body = HTTP1Body(framing: framing.publicFraming)
        if case .contentLength(let declared) = framing { body.declaredLength = declared }
        body.bytes = kept ?? ByteBuffer()
        body.length = length
        body.missingBytes = end.missingBytes
        body.isComplete = end.isComplete
        body.wireBytes = end.wireBytes
        body.chunkCount = end.chunkCount
        body.trailers = end.trailers
        guard let head, head.hasContentEncoding else { return body }
        body.contentCodings = ContentCoding.list(fromFieldValues: head.headers.values(for: "Content-Encoding"))
        let applied = body.contentCodings.contains { $0 != .identity }
        if decodesContent, applied, length > 0, end.missingBytes == 0 {
            let result = ContentDecoder.decode(
                body.bytes,
                codings: body.contentCodings,
                maxOutputBytes: limits.maxDecodedBodyBytes
            )
            body.decoded = result.decoded
            body.decodingError = result.error
        }
        return body
    }

    /// The finished request.
    consuming func request(_ end: MessageReader.BodyEnd, limits: HTTP1Limits, decodesContent: Bool) -> HTTP1Request? {
        guard let head, case .request(let method, let target) = head.start else { return nil }
        return HTTP1Request(
            method: method,
            target: target,
            version: head.version,
            versionNumber: head.versionNumber,
            headers: head.headers,
            headSize: headSize,
            isHeadComplete: isHeadComplete,
            body: body(end, limits: limits, decodesContent: decodesContent),
            span: span(end)
        )
    }

    /// The finished response; an HTTP/0.9 response when there is no head.
    consuming func response(_ end: MessageReader.BodyEnd, limits: HTTP1Limits, decodesContent: Bool) -> HTTP1Response {
        guard let head, case .response(let status, let reason) = head.start else {
            return HTTP1Response(
                status: .absent,
                reason: "",
                version: "HTTP/0.9",
                versionNumber: .http0_9,
                headers: HTTPFields(),
                headSize: 0,
                body: body(end, limits: limits, decodesContent: decodesContent),
                span: span(end)
            )
        }
        return HTTP1Response(
            status: status,
            reason: reason,
            version: head.version,
            versionNumber: head.versionNumber,
            headers: head.headers,
            headSize: headSize,
            isHeadComplete: isHeadComplete,
            body: body(end, limits: limits, decodesContent: decodesContent),
            span: span(end)
        )
    }

    private func span(_ end: MessageReader.BodyEnd) -> HTTP1WireSpan {
        HTTP1WireSpan(
            startOffset: startOffset,
            endOffset: end.endOffset,
            firstByteTime: firstByteTime,
            lastByteTime: lastByteTime
        )
    }
}
