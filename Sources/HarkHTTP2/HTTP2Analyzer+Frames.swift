import HarkCore
import NIOCore

extension HTTP2Analyzer {
    /// Reports a wire problem; frames lost with it are accounted to their stream.
    mutating func handle(_ problem: HTTP2FrameParser.Problem, from direction: Direction, at time: Timestamp,
        emit: (HTTP2Event) -> Void)
    {
        let side = Int(direction.rawValue)
        let kind: HTTP2Diagnostic.Kind
        var streamID: UInt32?
        switch problem.kind {
        case .missingPreface:
            kind = .missingPreface
            sides[side].hpack.loseHistory()
        case .skippedBytes:
            kind = .skippedBytes
            sides[side].hpack.loseHistory()
        case .frameTooLarge(let header):
            kind = .frameTooLarge
            streamID = header.streamID
        case .frameCutByGap(let header):
            kind = .frameCutByGap(header.type)
            streamID = header.streamID
            if header.type == .data, streams[header.streamID]?.switchedTo != nil {
                emit(.streamGap(streamID: header.streamID, direction, length: header.length, time))
            } else if header.type == .data, streams[header.streamID] != nil {
                streams[header.streamID]?.withSide(direction) { $0.body.missingBytes &+= header.length }
            } else if header.type == .headers || header.type == .continuation || header.type == .pushPromise {
                sides[side].hpack.loseHistory()
                sides[side].pending = nil
            }
        }
        let detail = problem.length > 0 ? "\(problem.length) bytes" : nil
        emit(.diagnostic(HTTP2Diagnostic(kind, direction: direction, streamOffset: problem.streamOffset,
            streamID: streamID, time: time, detail: detail)))
    }

    /// Applies one frame.
    mutating func handle(_ frame: HTTP2Frame, from direction: Direction, first: Timestamp, last: Timestamp,
        packets: FramePackets, emit: (HTTP2Event) -> Void)
    {
        let side = Int(direction.rawValue)
        let header = frame.header
        if sides[side].pending != nil, header.type != .continuation {
            sides[side].pending = nil
            sides[side].hpack.loseHistory()
            report(.unexpectedContinuation, frame, direction, last, detail: "header block interrupted by \(header.type)", emit)
        }
        switch frame.payload {
        case .data(let content):
            guard openStream(header.streamID, at: last, emit: emit) else { return }
            if streams[header.streamID]?.side(direction).ended == true {
                report(.dataAfterEndStream, frame, direction, last, detail: "\(content.readableBytes) bytes", emit)
                return
            }
            if streams[header.streamID]?.switchedTo != nil {
                switchedData(content, header, from: direction, first: first, last: last, packets: packets, emit: emit)
                return
            }
            let limits = limits
            let decodesContent = decodesContent
            streams[header.streamID]?.withSide(direction) { side in
                side.receiveData(content, limits: limits, decodesContent: decodesContent)
                side.touch(first: first, last: last, packets: packets)
                side.ended = side.ended || header.flags.contains(.endStream)
            }
            completeIfDone(header.streamID, emit: emit)
        case .headers(let fragment):
            startBlock(fragment, header, promised: nil, direction: direction, first: first, last: last, packets: packets, emit: emit)
        case .pushPromise(let promised, let fragment):
            startBlock(fragment, header, promised: promised, direction: direction, first: first, last: last, packets: packets, emit: emit)
        case .continuation(let fragment):
            guard var pending = sides[side].pending, pending.streamID == header.streamID else {
                report(.unexpectedContinuation, frame, direction, last, detail: nil, emit)
                return
            }
            sides[side].pending = nil
            guard pending.fragments.readableBytes + fragment.readableBytes <= limits.maxHeaderListSize else {
                sides[side].hpack.loseHistory()
                report(.headerListTooLarge, frame, direction, last, detail: nil, emit)
                return
            }
            pending.fragments.writeImmutableBuffer(fragment)
            if header.flags.contains(.endHeaders) {
                completeBlock(pending, direction: direction, last: last, lastPacket: packets.last, emit: emit)
            } else {
                sides[side].pending = pending
            }
        case .rstStream(let code):
            guard streams[header.streamID] != nil else { return }
            if streams[header.streamID]?.switchedTo != nil {
                report(.switchedStreamReset(code), frame, direction, last, detail: nil, emit)
                closeSwitched(header.streamID, .reset(code, by: direction), at: last, emit: emit)
                return
            }
            streams[header.streamID]?.issues.append(.reset(code, by: direction))
            streams[header.streamID]?.withSide(direction) { $0.touch(first: first, last: last, packets: packets) }
            emitStream(header.streamID, reason: .reset, at: last, emit: emit)
        case .settings(let settings):
            guard !header.flags.contains(.ack) else { return }
            // A peer's settings bound what the other direction sends: its HPACK table and frame sizes.
            let other = 1 - side
            for setting in settings {
                switch setting.id {
                case .headerTableSize: sides[other].hpack.setMaxTableSize(setting.value)
                case .maxFrameSize: sides[other].parser.maxFrameSize = Int(setting.value)
                default: break
                }
            }
        case .goaway(let lastStreamID, let code, _):
            goaways[direction] = (lastStreamID, code)
            for id in streams.keys where isAbandoned(id, by: direction) {
                streams[id]?.issues.append(.abandonedByGoaway(lastStreamID: lastStreamID, errorCode: code))
            }
        case .malformed(let why):
            report(.malformedFrame(header.type), frame, direction, last, detail: why, emit)
        case .priority, .ping, .windowUpdate, .unknown:
            break
        }
    }

    /// Whether stream `id` is above the last stream id of a GOAWAY sent in `direction` and was
    /// initiated by the GOAWAY's receiver.
    private func isAbandoned(_ id: UInt32, by direction: Direction) -> Bool {
        guard let goaway = goaways[direction], id > goaway.lastStreamID else { return false }
        let receiverInitiated = direction == .serverToClient ? id % 2 == 1 : id % 2 == 0
        return receiverInitiated
    }

    private mutating func startBlock(
        _ fragment: ByteBuffer,
        _ header: HTTP2FrameHeader,
        promised: UInt32?,
        direction: Direction,
        first: Timestamp,
        last: Timestamp,
        packets: FramePackets,
        emit: (HTTP2Event) -> Void
    ) {
        var pending = PendingHeaderBlock(
            streamID: header.streamID,
            promisedStreamID: promised,
            endStream: header.flags.contains(.endStream) && promised == nil,
            fragments: fragment,
            firstByteTime: first,
            firstPacket: packets.first
        )
        if header.flags.contains(.endHeaders) {
            completeBlock(pending, direction: direction, last: last, lastPacket: packets.last, emit: emit)
        } else {
            pending.fragments = ByteBuffer()
            pending.fragments.writeImmutableBuffer(fragment)
            sides[Int(direction.rawValue)].pending = pending
        }
    }

    private mutating func completeBlock(
        _ pending: PendingHeaderBlock,
        direction: Direction,
        last: Timestamp,
        lastPacket: Int,
        emit: (HTTP2Event) -> Void
    ) {
        let side = Int(direction.rawValue)
        let packets = (first: pending.firstPacket, last: lastPacket)
        let (block, problem) = sides[side].hpack.decode(pending.fragments)
        if let problem {
            let kind: HTTP2Diagnostic.Kind
            var detail: String?
            switch problem {
            case .unresolvedReferences(let count): kind = .unresolvedHeaderFields(count: count)
            case .malformed(let why):
                kind = .malformedHeaderBlock
                detail = why
            case .listTooLarge: kind = .headerListTooLarge
            }
            emit(.diagnostic(HTTP2Diagnostic(kind, direction: direction, streamOffset: sides[side].parser.streamOffset,
                streamID: pending.streamID, time: last, detail: detail)))
        }
        if let promised = pending.promisedStreamID {
            guard openStream(promised, at: last, request: block, emit: emit) else { return }
            streams[promised]?.promisedOn = pending.streamID
            streams[promised]?.request.head = block
            streams[promised]?.request.touch(first: pending.firstByteTime, last: last, packets: packets)
            streams[promised]?.request.ended = true
            if block.isPartial { streams[promised]?.issues.append(.headersPartial(direction)) }
            return
        }
        guard openStream(pending.streamID, at: last, request: direction == .clientToServer ? block : nil, emit: emit) else { return }
        let wasSwitched = streams[pending.streamID]?.switchedTo != nil
        streams[pending.streamID]?.receiveHeaders(block, from: direction, endStream: pending.endStream,
            first: pending.firstByteTime, last: last, packets: packets)
        if wasSwitched {
            // Trailers on a switched stream: only their END_STREAM matters.
            if pending.endStream { endSwitched(pending.streamID, direction, .endStream, at: last, emit: emit) }
        } else {
            switchIfAccepted(pending.streamID, at: last, emit: emit)
        }
        completeIfDone(pending.streamID, emit: emit)
    }

    /// Makes sure stream `id` is tracked; false for a stream already closed and emitted. A stream opened
    /// by a `request` header block is charged to the session's waiting request budget.
    mutating func openStream(_ id: UInt32, at time: Timestamp, request: HTTP2HeaderBlock? = nil, emit: (HTTP2Event) -> Void) -> Bool {
        guard id != 0 else { return false }
        if streams[id] != nil { return true }
        let clientInitiated = id % 2 == 1
        if let seen = clientInitiated ? clientStreams : serverStreams, seen.contains(id) { return false }
        if streams.count >= limits.maxOpenStreams, let oldest = streams.keys.min() {
            emit(.diagnostic(HTTP2Diagnostic(.tooManyStreams, direction: .clientToServer, streamOffset: 0,
                streamID: oldest, time: time)))
            emitStream(oldest, reason: .tooManyStreams, at: time, emit: emit)
        }
        if clientInitiated {
            clientStreams = clientStreams.map { min($0.lowerBound, id)...max($0.upperBound, id) } ?? id...id
        } else {
            serverStreams = serverStreams.map { min($0.lowerBound, id)...max($0.upperBound, id) } ?? id...id
        }
        var stream = StreamState(id: id)
        for direction in [Direction.clientToServer, .serverToClient] where isAbandoned(id, by: direction) {
            if let goaway = goaways[direction] {
                stream.issues.append(.abandonedByGoaway(lastStreamID: goaway.lastStreamID, errorCode: goaway.code))
            }
        }
        if let request, let budget = limits.waitingRequests {
            let cost = StreamState.cost(headerListSize: request.listSize)
            if !budget.fits(cost) { giveUpOldestWaitingStream(budget, at: time, emit: emit) }
            stream.charge = budget.charge(cost)
            let open = streams
            waitingStreams.append(id, openCount: open.count) { open[$0]?.awaitsResponse == true }
        }
        streams[id] = stream
        return true
    }

    /// Makes room in the session's budget for a new stream: emits this connection's oldest stream that
    /// waits for its response, given up (`sessionBudgetUsedUp`). A connection with none keeps its new
    /// stream anyway: the connection budget bounds those.
    private mutating func giveUpOldestWaitingStream(_ budget: ByteBudget, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        var found: UInt32?
        do {
            // A copy to read while the list is taken from, gone before the stream is removed.
            let open = streams
            found = waitingStreams.takeOldest { open[$0]?.awaitsResponse == true }
        }
        guard let oldest = found else { return }
        budget.noteGivenUp()
        emitStream(oldest, reason: .sessionBudgetUsedUp, at: time, emit: emit)
    }

    /// Emits a stream both of whose sides ended (a switched stream is only forgotten: its exchange was
    /// emitted at the switch).
    mutating func completeIfDone(_ id: UInt32, emit: (HTTP2Event) -> Void) {
        guard let stream = streams[id], stream.isDone else { return }
        guard stream.switchedTo == nil else {
            streams[id] = nil
            return
        }
        emitStream(id, reason: .connectionEnded, at: stream.response.lastByteTime ?? Timestamp(nanoseconds: 0), emit: emit)
    }

    /// Emits a stream that did not end as it stands, sides that did not end flagged with `reason`; a
    /// switched stream's open sides end instead.
    mutating func emitStream(_ id: UInt32, reason: HTTP2Exchange.IncompleteReason, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        if streams[id]?.switchedTo != nil {
            closeSwitched(id, reason == .tooManyStreams ? .tooManyStreams : .connectionEnded, at: time, emit: emit)
            return
        }
        guard let stream = streams.removeValue(forKey: id) else { return }
        emit(.exchange(stream.exchange(incompleteReason: reason, limits: limits)))
    }

    func report(
        _ kind: HTTP2Diagnostic.Kind,
        _ frame: HTTP2Frame,
        _ direction: Direction,
        _ time: Timestamp,
        detail: String?,
        _ emit: (HTTP2Event) -> Void
    ) {
        emit(.diagnostic(HTTP2Diagnostic(kind, direction: direction, streamOffset: frame.streamOffset,
            streamID: frame.header.streamID, time: time, detail: detail)))
    }
}
