import HarkCore

extension HTTP3Analyzer {
    mutating func receiveRequest(_ id: UInt64, direction: Direction, bytes: ArraySlice<UInt8>, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        // Taken out of the dictionary while it changes, so that its buffers are not copied on write.
        var state: HTTP3RequestState
        if let existing = requests.removeValue(forKey: id) {
            state = existing
        } else {
            guard requests.count < limits.maxOpenRequests else {
                reportOnce("more than \(limits.maxOpenRequests) HTTP/3 requests open at once: further ones are not followed", isError: true, emit: emit)
                return
            }
            state = HTTP3RequestState(id: id, maxFramePayload: limits.maxFramePayload)
        }
        guard !state.side(direction).framingLost else {
            requests[id] = state
            return
        }
        let packet = packetClock?.number ?? 0
        let items = state.withSide(direction) { $0.reader.receive(bytes, packet: packet) }
        for item in items {
            process(item, on: &state, direction: direction, at: time, emit: emit)
        }
        requests[id] = state
    }

    /// One frame item of a request stream side, or holds it back behind a blocked section.
    mutating func process(_ item: HTTP3FrameReader.Item, on state: inout HTTP3RequestState, direction: Direction, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        if var blocked = state.side(direction).blocked {
            let size: Int
            switch item {
            case .frame(_, let payload, _, _): size = payload.count
            case .data(let bytes, _): size = bytes.count
            case .skipped: size = 0
            }
            guard blocked.bytes &+ size <= limits.maxBlockedBytes else {
                state.issues.append("\(direction.messageName) headers blocked on QPACK inserts for too long: the rest of it is not read")
                state.withSide(direction) {
                    $0.blocked = nil
                    $0.framingLost = true
                }
                return
            }
            blocked.items.append(item)
            blocked.bytes &+= size
            state.withSide(direction) { $0.blocked = blocked }
            return
        }
        switch item {
        case .frame(HTTP3FrameReader.headers, let payload, let firstPacket, let lastPacket):
            decodeSection(payload, packets: (firstPacket, lastPacket), on: &state, direction: direction, at: time, emit: emit)
        case .data(let bytes, let packet):
            guard state.side(direction).message != nil else {
                reportOnce("DATA before HEADERS on a request stream", isError: true, emit: emit)
                return
            }
            state.withSide(direction) { $0.appendData(bytes, at: time, packet: packet, limits: limits, decodesContent: decodesContent) }
        case .frame, .skipped:
            break
        }
    }

    /// Decodes one HEADERS frame's field section, or blocks the side until the inserts it needs come.
    private mutating func decodeSection(
        _ payload: [UInt8], packets: (first: Int, last: Int), on state: inout HTTP3RequestState, direction: Direction, at time: Timestamp, emit: (HTTP3Event) -> Void) {
        let side = direction.sideIndex
        let encoder = encoders[side]
        let capacity = allowedCapacity[side] ?? max(encoder.table.capacity, encoder.maxCapacity)
        let result = QPACKFieldSection.decode(
            payload, table: encoder.table, maxTableCapacity: capacity, maxListSize: limits.maxFieldSectionSize, huffman: &huffman)
        switch result {
        case .fields(let fields):
            state.withSide(direction) { $0.apply(fields, isResponse: direction == .serverToClient, at: time, packets: packets) }
        case .blocked(let required):
            // Sections blocked now: on the other streams, and on this one (out of the dictionary meanwhile).
            let isBlocked = { (state: HTTP3RequestState) in state.request.blocked != nil || state.response.blocked != nil }
            let blockedNow = requests.values.filter(isBlocked).count &+ (isBlocked(state) ? 1 : 0)
            guard !encoder.isBroken, blockedNow < limits.maxBlockedSections else {
                state.issues.append("\(direction.messageName) headers not decoded: they need QPACK inserts that \(encoder.isBroken ? "were lost" : "did not come in time")")
                state.withSide(direction) { $0.framingLost = true }
                return
            }
            let section = HTTP3FrameReader.Item.frame(type: HTTP3FrameReader.headers, payload: payload, firstPacket: packets.first, lastPacket: packets.last)
            state.withSide(direction) { $0.blocked = (required, [section], payload.count, time) }
        case .failed(let problem):
            state.issues.append("\(direction.messageName) headers not decoded: \(problem)")
            reportOnce("QPACK: \(problem)", isError: true, emit: emit)
            state.withSide(direction) { $0.framingLost = true }
        }
    }

    /// Replays the sides whose sections now have the inserts they need.
    mutating func unblock(encodedBy direction: Direction, emit: (HTTP3Event) -> Void) {
        let inserts = encoders[direction.sideIndex].table.insertCount
        for id in requests.keys.sorted() {
            guard let waiting = requests[id]?.side(direction).blocked, waiting.requiredInsertCount <= inserts,
                var state = requests.removeValue(forKey: id), let blocked = state.side(direction).blocked
            else { continue }
            state.withSide(direction) { $0.blocked = nil }
            // The blocked section is the first held item; the rest came after it.
            for item in blocked.items {
                process(item, on: &state, direction: direction, at: blocked.time, emit: emit)
            }
            requests[id] = state
            emitIfDone(id, emit: emit)
        }
    }
}
