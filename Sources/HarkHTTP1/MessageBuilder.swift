import HarkContentCoding
import HarkCore
import NIOCore

/// A message being read: its head, the body bytes kept so far, and where it sits in the stream.
struct MessageBuilder {
    /// The parsed head; nil for an HTTP/0.9 response, which has none.
    var head: Optional<ParsedHead>  // not `ParsedHead?`: see `init`
    var headSize: Int
    var framing: BodyFraming
    var startOffset: Int64
    var firstByteTime: Timestamp
    var lastByteTime: Timestamp
    /// Numbers of the packets holding the first byte and the latest byte read (0: not known).
    var firstPacket = 0
    var lastPacket = 0
    /// False for a head cut short by a gap or the end of the stream.
    var isHeadComplete = true
    /// Transfer-decoded body bytes kept: in memory while small, then on disk.
    private var kept = BodyStorage()
    /// Transfer-decoded body bytes seen, kept or not.
    private var length = 0
    /// Undoes the content codings as body bytes arrive; made on the first body byte when the analyzer
    /// decodes content and the head names a coding.
    private var decoder: Optional<BodyDecoder>  // not `BodyDecoder?`: see `init`
    /// The analyzer's bounds, and whether it decodes content: kept here so that appending a segment
    /// passes no struct holding references.
    private let limits: HTTP1Limits
    private let decodesContent: Bool

    /// A message whose head began at `firstByteTime` in packet `firstPacket` and ended at `headEndTime`
    /// in packet `lastPacket` (or was cut there: not `isHeadComplete`), its body kept within `limits`
    /// and content-decoded when `decodesContent`. Everything is set here: fields set afterwards, through
    /// the optional holding the builder, cost a copy of it (it is large).
    init(
        head: consuming ParsedHead?,
        headSize: Int,
        isHeadComplete: Bool = true,
        framing: BodyFraming,
        startOffset: Int64,
        firstByteTime: Timestamp,
        headEndTime: Timestamp,
        firstPacket: Int,
        lastPacket: Int,
        limits: HTTP1Limits,
        decodesContent: Bool
    ) {
        self.limits = limits
        self.decodesContent = decodesContent
        self.head = head
        self.headSize = headSize
        self.isHeadComplete = isHeadComplete
        self.framing = framing
        self.startOffset = startOffset
        self.firstByteTime = firstByteTime
        self.lastByteTime = headEndTime
        self.firstPacket = firstPacket
        self.lastPacket = lastPacket
        // The optionals are spelled `Optional<…>`, not `…?`: a `var` spelled `T?` starts out nil
        // before the initializer runs, and then this compiler built the value aside and copied it out.
        self.decoder = nil
    }

    /// Appends body bytes, keeping at most `limits.maxBodyBytes` of the whole body (copied out of
    /// capture storage) and feeding the content decoder, if any.
    mutating func append(_ bytes: ByteBuffer, at time: Timestamp, packet: Int) {
        lastByteTime = time
        lastPacket = packet
        guard bytes.readableBytes > 0 else { return }
        if length == 0 { startBody(firstBytes: bytes.readableBytes) }
        length &+= bytes.readableBytes
        decoder?.decode(bytes)
        let room = limits.maxBodyBytes &- kept.count
        guard room > 0 else { return }
        if bytes.readableBytes <= room {
            kept.append(bytes, limits: limits.bodyStorage)
        } else if let prefix = bytes.getSlice(at: bytes.readerIndex, length: room) {
            kept.append(prefix, limits: limits.bodyStorage)
        }
    }

    /// Reserves memory for the body and makes the content decoder, on the first body bytes.
    private mutating func startBody(firstBytes: Int) {
        let expected = if case .contentLength(let declared) = framing { declared } else { firstBytes }
        // Reserve for the declared length, within the memory threshold (the word of the wire is no more).
        kept.reserveCapacity(min(max(expected, firstBytes), limits.maxBodyBytes), limits: limits.bodyStorage)
        guard decodesContent, let head, head.hasContentEncoding else { return }
        let codings = ContentCoding.list(fromFieldValues: head.headers.values(for: "Content-Encoding"))
        guard codings.contains(where: { $0 != .identity }) else { return }
        decoder = BodyDecoder(
            codings: codings,
            maxOutputBytes: limits.maxDecodedBodyBytes,
            keepLimit: limits.maxBodyBytes,
            storage: limits.bodyStorage
        )
    }

    /// The body as it ended, with content codings undone when the whole body was captured and the
    /// analyzer decodes content. Its bytes are moved out: only for the finished message.
    private mutating func takeBody(_ end: MessageReader.BodyEnd) -> HTTP1Body {
        var body = HTTP1Body(framing: framing.publicFraming)
        if case .contentLength(let declared) = framing { body.declaredLength = declared }
        swap(&body.bytes, &kept)
        body.bytes.seal(limits: limits.bodyStorage)
        body.length = length
        body.missingBytes = end.missingBytes
        body.isComplete = end.isComplete
        body.wireBytes = end.wireBytes
        body.chunkCount = end.chunkCount
        body.trailers = end.trailers
        // Not `guard let head`: that copies the head.
        guard head?.hasContentEncoding == true else { return body }
        body.contentCodings = ContentCoding.list(fromFieldValues: head?.headers.values(for: "Content-Encoding") ?? [])
        if let decoder, end.missingBytes == 0 {
            let result = decoder.finish()
            body.decoded = result.bytes
            body.decodedLength = result.length
            body.decodingError = result.error
        }
        return body
    }

    /// The finished request. The head is taken out after the body (which reads it) is made, so that
    /// its parts move into the request instead of being copied; the same in `response(_:)`.
    consuming func request(_ end: MessageReader.BodyEnd) -> HTTP1Request? {
        guard case .request? = head?.start else { return nil }
        let body = takeBody(end)
        guard let head = head.take(), case .request(let method, let target) = head.start else { return nil }
        return HTTP1Request(
            method: method,
            target: target,
            version: head.version,
            versionNumber: head.versionNumber,
            headers: head.headers,
            headSize: headSize,
            isHeadComplete: isHeadComplete,
            body: body,
            span: span(end)
        )
    }

    /// The finished response; an HTTP/0.9 response when there is no head.
    consuming func response(_ end: MessageReader.BodyEnd) -> HTTP1Response {
        let body = takeBody(end)
        guard let head = head.take(), case .response(let status, let reason) = head.start else {
            return HTTP1Response(
                status: .absent,
                reason: "",
                version: "HTTP/0.9",
                versionNumber: .http0_9,
                headers: HTTPFields(),
                headSize: 0,
                body: body,
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
            body: body,
            span: span(end)
        )
    }

    private func span(_ end: MessageReader.BodyEnd) -> HTTP1WireSpan {
        var span = HTTP1WireSpan(
            startOffset: startOffset,
            endOffset: end.endOffset,
            firstByteTime: firstByteTime,
            lastByteTime: lastByteTime
        )
        span.firstPacket = firstPacket
        span.lastPacket = lastPacket
        return span
    }
}
