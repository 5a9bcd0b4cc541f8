import HarkCore

extension HTTP3Analyzer {
    mutating func receiveRequest(_ id: UInt64, direction: Direction, bytes: ArraySlice<UInt8>, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        let state: HTTP3RequestState
        if let last = lastRequest, last.id == id {
            state = last.state
        } else if let existing = requests[id] {
            state = existing
        } else {
            guard requests.count < limits.maxOpenRequests else {
                reportOnce("more than \(limits.maxOpenRequests) HTTP/3 requests open at once: further ones are not followed", isError: true, emit: emit)
                return
            }
            state = HTTP3RequestState(id: id, maxFramePayload: limits.maxFramePayload)
            if let budget = limits.waitingRequests {
                if !budget.fits(HTTP3RequestState.cost) { giveUpOldestWaitingRequest(budget, emit: emit) }
                state.charge = budget.charge(HTTP3RequestState.cost)
            }
            requests[id] = state
        }
        lastRequest = (id, state)
        guard !state.framingLost(direction) else { return }
        let packet = packetClock?.number ?? 0
        var input = bytes
        while let item = state.withSide(direction, { $0.reader.next(from: &input, packet: packet) }) {
            process(item, on: state, direction: direction, at: time, emit: emit)
        }
    }

    /// Makes room in the session's budget for a new request stream: emits this connection's oldest
    /// request that waits for its response (a request stream, not a push, with its request head and no
    /// response head, and no section blocked, whose held bytes are the QUIC buffer budget's), given up.
    /// A connection with none keeps its new one: the budget of UDP flows bounds those. At most
    /// `maxOpenRequests` are looked at.
    mutating func giveUpOldestWaitingRequest(_ budget: ByteBudget, emit: (HTTP3Event) -> Void) {
        var oldest: HTTP3RequestState?
        for state in requests.values
        where state.charge != nil && state.pushID == nil && state.request.message != nil && state.response.message == nil
            && !state.isBlocked && state.id < (oldest?.id ?? .max)
        {
            oldest = state
        }
        guard let oldest else { return }
        requests[oldest.id] = nil
        budget.noteGivenUp()
        if !oldest.request.ended { oldest.issues.append("request incomplete: the session held too many requests waiting for responses (memory budget)") }
        oldest.issues.append("response incomplete: the session held too many requests waiting for responses (memory budget)")
        emit(.exchange(oldest.exchange()))
    }

    /// One frame item of a request stream side, or holds it back behind a blocked section.
    mutating func process(_ item: HTTP3FrameReader.Item, on state: HTTP3RequestState, direction: Direction, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        // A section given up earlier in the same bytes: what follows it is not read.
        guard !state.framingLost(direction) else { return }
        if var blocked = state.blocked(direction) {
            let size: Int
            switch item {
            case .frame(_, let payload, _, _): size = payload.count
            case .data(let bytes, _): size = bytes.count
            case .skipped: size = 0
            }
            guard blocked.bytes &+ size <= limits.maxBlockedBytes, budgetAllows(size, emit: emit) else {
                state.issues.append("\(direction.messageName) headers blocked on QPACK inserts for too long: the rest of it is not read")
                state.withSide(direction) {
                    $0.blocked = nil
                    $0.framingLost = true
                }
                hold(-blocked.bytes)
                return
            }
            blocked.items.append(item)
            blocked.bytes &+= size
            hold(size)
            state.withSide(direction) { $0.blocked = blocked }
            return
        }
        switch item {
        case .frame(HTTP3FrameReader.headers, let payload, let firstPacket, let lastPacket):
            guard let fields = decodeSection(payload, holding: item, name: "\(direction.messageName) headers", on: state, direction: direction, at: time, emit: emit) else { return }
            state.withSide(direction) { $0.apply(fields, isResponse: direction == .serverToClient, at: time, packets: (firstPacket, lastPacket)) }
        case .frame(HTTP3FrameReader.pushPromise, let payload, let firstPacket, let lastPacket):
            guard direction == .serverToClient else {
                reportOnce("PUSH_PROMISE from the client", isError: true, emit: emit)
                return
            }
            receivePushPromise(item, payload: payload, packets: (firstPacket, lastPacket), on: state, at: time, emit: emit)
        case .data(let bytes, let packet):
            guard state.hasMessage(direction) else {
                reportOnce("DATA before HEADERS on a request stream", isError: true, emit: emit)
                return
            }
            state.withSide(direction) { $0.appendData(bytes, at: time, packet: packet, limits: limits, decodesContent: decodesContent) }
        case .frame, .skipped:
            break
        }
    }

    /// Decodes a field section (of a HEADERS or PUSH_PROMISE frame, `item`); nil when it cannot be decoded
    /// (said in the exchange's issues, `name` naming the section: `request headers`) or waits for QPACK inserts not seen yet (the
    /// side is blocked, `item` held first to be read again when they come).
    mutating func decodeSection(
        _ payload: [UInt8], holding item: HTTP3FrameReader.Item, name: String, on state: HTTP3RequestState, direction: Direction, at time: Timestamp,
        emit: (HTTP3Event) -> Void
    ) -> [QPACKField]? {
        let side = direction.sideIndex
        let encoder = encoders[side]
        let capacity = allowedCapacity[side] ?? max(encoder.table.capacity, encoder.maxCapacity)
        let result = QPACKFieldSection.decode(
            payload, table: encoder.table, maxTableCapacity: capacity, maxListSize: limits.maxFieldSectionSize, huffman: &huffman)
        switch result {
        case .fields(let fields):
            return fields
        case .blocked(let required):
            let blockedNow = requests.values.filter(\.isBlocked).count
            guard !encoder.isBroken, blockedNow < limits.maxBlockedSections, budgetAllows(payload.count, emit: emit) else {
                state.issues.append("\(name) not decoded: they need QPACK inserts that \(encoder.isBroken ? "were lost" : "did not come in time")")
                state.withSide(direction) { $0.framingLost = true }
                return nil
            }
            state.withSide(direction) { $0.blocked = (required, [item], payload.count, time) }
            hold(payload.count)
        case .failed(let problem):
            state.issues.append("\(name) not decoded: \(problem)")
            reportOnce("QPACK: \(problem)", isError: true, emit: emit)
            state.withSide(direction) { $0.framingLost = true }
        }
        return nil
    }

    /// Replays the sides whose sections now have the inserts they need.
    mutating func unblock(encodedBy direction: Direction, emit: (HTTP3Event) -> Void) {
        let inserts = encoders[direction.sideIndex].table.insertCount
        for id in requests.keys.sorted() {
            guard let state = requests[id], let blocked = state.blocked(direction), blocked.requiredInsertCount <= inserts else { continue }
            state.withSide(direction) { $0.blocked = nil }
            hold(-blocked.bytes)
            // The blocked section is the first held item; the rest came after it.
            for item in blocked.items {
                process(item, on: state, direction: direction, at: blocked.time, emit: emit)
            }
            emitIfDone(id, emit: emit)
        }
    }
}
