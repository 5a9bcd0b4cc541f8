import HarkContentCoding
import HarkCore
import NIOCore

/// One direction of a stream while it is open: head, body, trailers, timing.
struct StreamSide {
    var head: HTTP2HeaderBlock?
    var trailers: HTTP2HeaderBlock?
    var body = HTTP2Body()
    /// Undoes the content codings as DATA arrives; made on the first DATA when the analyzer decodes
    /// content and the head names a coding.
    var decoder: BodyDecoder?
    var firstByteTime: Timestamp?
    var lastByteTime: Timestamp?
    /// The packets of the first and last byte (0: not known).
    var packets: FramePackets = (0, 0)
    /// END_STREAM was seen.
    var ended = false

    /// Notes a frame of this side spanning `first`…`last`, in `packets`.
    mutating func touch(first: Timestamp, last: Timestamp, packets: FramePackets) {
        if firstByteTime == nil {
            firstByteTime = first
            self.packets.first = packets.first
        }
        lastByteTime = last
        self.packets.last = packets.last
    }

    /// Takes one DATA frame's content: kept within `limits`, and fed to the content decoder.
    mutating func receiveData(_ data: ByteBuffer, limits: HTTP2Limits, decodesContent: Bool) {
        if body.frameCount == 0, decodesContent, let head {
            let codings = ContentCoding.list(fromFieldValues: head.fields.values(for: "content-encoding"))
            if codings.contains(where: { $0 != .identity }) {
                decoder = BodyDecoder(
                    codings: codings,
                    maxOutputBytes: limits.maxDecodedBodyBytes,
                    keepLimit: limits.maxBodyBytes,
                    storage: limits.bodyStorage
                )
            }
        }
        body.append(data, limits: limits)
        if data.readableBytes > 0 { decoder?.decode(data) }
    }
}

/// The numbers of the packets holding a frame's (or message's) first and last byte; 0: not known.
typealias FramePackets = (first: Int, last: Int)

/// What the analyzer knows of one stream until it emits it.
struct StreamState {
    let id: UInt32
    var request = StreamSide()
    var response = StreamSide()
    var interim: [HTTP2Response] = []
    var promisedOn: UInt32?
    var issues: [HTTP2Exchange.Issue] = []
    /// The protocol an accepted extended CONNECT (RFC 8441) switched the stream to; its exchange was
    /// reported then, and its DATA is that protocol's bytes.
    var switchedTo: String?
    /// What the stream holds of the session's waiting request budget, given back when it goes.
    var charge: ByteBudget.Claim?

    init(id: UInt32) {
        self.id = id
    }

    /// What a stream opened with a header block of `listSize` (RFC 7541 size) is charged to
    /// `HTTP2Limits.waitingRequests`: an estimate of what it holds until its response comes. One GET with
    /// four fields cost about 2 KB (`hark har`, 200,000 streams never answered: 409.8 MiB, debug build).
    static func cost(headerListSize listSize: Int) -> Int {
        2048 &+ listSize
    }

    /// Whether the stream has a request and waits for its response (neither switched nor answered).
    var awaitsResponse: Bool {
        request.head != nil && response.head == nil && switchedTo == nil
    }

    /// Whether both sides sent END_STREAM.
    var isDone: Bool { request.ended && response.ended }

    /// The protocol to switch the stream to, once its final response accepted an extended CONNECT
    /// (RFC 8441 §4: `:method CONNECT` with `:protocol`; RFC 9110 §15.3: any 2xx accepts a CONNECT);
    /// nil otherwise, or when already switched.
    var acceptedProtocol: String? {
        guard switchedTo == nil, let request = request.head, request.pseudo(":method") == "CONNECT",
            let name = request.pseudo(":protocol"), !name.isEmpty,
            let status = response.head?.pseudo(":status").flatMap({ Int($0) }), (200..<300).contains(status)
        else { return nil }
        return name
    }

    /// The side `direction` sends.
    func side(_ direction: Direction) -> StreamSide {
        direction == .clientToServer ? request : response
    }

    /// Runs `body` on the side `direction` sends.
    mutating func withSide<Result>(_ direction: Direction, _ body: (inout StreamSide) -> Result) -> Result {
        switch direction {
        case .clientToServer: body(&request)
        case .serverToClient: body(&response)
        }
    }

    /// Takes a complete header block sent in `direction` (not a PUSH_PROMISE).
    mutating func receiveHeaders(
        _ block: HTTP2HeaderBlock,
        from direction: Direction,
        endStream: Bool,
        first: Timestamp,
        last: Timestamp,
        packets: FramePackets
    ) {
        if block.isPartial, !issues.contains(.headersPartial(direction)) { issues.append(.headersPartial(direction)) }
        if direction == .serverToClient, response.head == nil,
            let status = block.pseudo(":status").flatMap({ Int($0) }), (100..<200).contains(status)
        {
            var interimResponse = HTTP2Response(head: block, firstByteTime: first, lastByteTime: last)
            (interimResponse.firstPacket, interimResponse.lastPacket) = packets
            interim.append(interimResponse)
            response.touch(first: first, last: last, packets: packets)
            response.ended = response.ended || endStream
            return
        }
        var block = block
        if direction == .clientToServer, request.head == nil, block.inferPathFromUnresolvedField() {
            issues.append(.pathInferred)
        }
        withSide(direction) { side in
            if side.head == nil {
                side.head = block
            } else {
                side.trailers = block
            }
            side.touch(first: first, last: last, packets: packets)
            side.ended = side.ended || endStream
        }
    }

    /// The exchange as it stands, with `reason` for sides that did not end.
    func exchange(incompleteReason reason: HTTP2Exchange.IncompleteReason, limits: HTTP2Limits) -> HTTP2Exchange {
        var issues = issues
        let request = Self.message(request, direction: .clientToServer, issues: &issues)
            .map { side, head, first, last in
                var request = HTTP2Request(head: head, body: side.body, trailers: side.trailers, firstByteTime: first, lastByteTime: last)
                (request.firstPacket, request.lastPacket) = side.packets
                return request
            }
        let response = Self.message(response, direction: .serverToClient, issues: &issues)
            .map { side, head, first, last in
                var response = HTTP2Response(head: head, body: side.body, trailers: side.trailers, firstByteTime: first, lastByteTime: last)
                (response.firstPacket, response.lastPacket) = side.packets
                return response
            }
        if request == nil, promisedOn == nil { issues.insert(.noRequestSeen, at: 0) }
        // A switched stream's exchange is whole at its 2xx: what follows is the other protocol's.
        if !self.request.ended, promisedOn == nil, switchedTo == nil { issues.append(.requestIncomplete(reason)) }
        if !self.response.ended, switchedTo == nil { issues.append(.responseIncomplete(reason)) }
        var exchange = HTTP2Exchange(
            streamID: id,
            request: request,
            interimResponses: interim,
            response: response,
            promisedOn: promisedOn,
            issues: issues
        )
        exchange.grpc = GRPCCall(exchange: exchange, limits: limits)
        return exchange
    }

    /// A side's content-decoded body and flags, with its head and times; nil without a head.
    private static func message(
        _ side: StreamSide,
        direction: Direction,
        issues: inout [HTTP2Exchange.Issue]
    ) -> (StreamSide, HTTP2HeaderBlock, Timestamp, Timestamp)? {
        var side = side
        if side.body.missingBytes > 0 { issues.append(.bytesMissing(direction, count: side.body.missingBytes)) }
        guard let head = side.head, let first = side.firstByteTime, let last = side.lastByteTime else {
            Self.noteStorage(side.body, direction: direction, issues: &issues)
            return nil
        }
        side.body.contentCodings = ContentCoding.list(fromFieldValues: head.fields.values(for: "content-encoding"))
        if let decoder = side.decoder, side.body.missingBytes == 0 {
            let result = decoder.finish()
            side.body.decoded = result.bytes
            side.body.decodedLength = result.length
            side.body.decodingError = result.error
        }
        Self.noteStorage(side.body, direction: direction, issues: &issues)
        return (side, head, first, last)
    }

    /// Flags a body that could not all be stored, or that was longer than the limit.
    private static func noteStorage(_ body: HTTP2Body, direction: Direction, issues: inout [HTTP2Exchange.Issue]) {
        if let failure = body.storageError {
            issues.append(.bodyNotStored(direction, failure))
        } else if body.isTruncated, !body.bytes.isEmpty {
            issues.append(.bodyTruncated(direction, keptBytes: body.bytes.count))
        }
    }
}
