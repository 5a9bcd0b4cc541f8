import HarkCore

extension QUICConnectionAnalyzer {
    /// Handles the frames of one decrypted packet.
    mutating func handleFrames(of payload: ArraySlice<UInt8>, space: Space, from direction: Direction, time: Timestamp, emit: (QUICEvent) -> Void) {
        let error = QUICFrameParser.forEachFrame(in: payload) { frame in
            handle(frame, space: space, from: direction, time: time, emit: emit)
        }
        if let error { reportOnce("QUIC \(space) packet: \(error)", isError: true, emit: emit) }
    }

    /// Handles one frame of a decrypted packet.
    private mutating func handle(_ frame: QUICFrame, space: Space, from direction: Direction, time: Timestamp, emit: (QUICEvent) -> Void) {
        switch frame {
        case .crypto(let offset, let data):
            var assembler = crypto[space.rawValue][direction.index]
            let heldBefore = assembler.bufferedBytes
            var (pieces, problem) = assembler.add(offset: offset, data: data, fin: false, packet: packetClock?.number ?? 0)
            if let problem { reportOnce("CRYPTO frame: \(problem)", isError: true, emit: emit) }
            hold(assembler.bufferedBytes &- heldBefore)
            if overBudget(emit: emit) {
                let held = assembler.bufferedBytes
                pieces += assembler.giveUpHoles()
                hold(-held)
            }
            crypto[space.rawValue][direction.index] = assembler
            for case .data(let bytes, _) in pieces { readHandshake(bytes, from: direction, at: time, emit: emit) }
        case .stream(let id, let offset, let data, let fin):
            receiveStream(id, offset: offset, data: data, fin: fin, from: direction, time: time, emit: emit)
        case .resetStream(let id, let code, _):
            let key = StreamKey(id: id, direction: direction)
            if let removed = streams.removeValue(forKey: key) {
                bufferedStreamBytes &-= removed.bufferedBytes
                hold(-removed.bufferedBytes)
            }
            if !endedStreams.contains(key) {
                endedStreams.insert(key)
                emit(.streamReset(streamID: id, direction: direction, errorCode: code, time: time))
            }
        case .stopSending(let id, let code):
            emit(.stopSending(streamID: id, direction: direction, errorCode: code, time: time))
        case .connectionClose(let code, let frameType, let reason, let isApplication):
            summary.closed = QUICErrorText.close(
                by: direction, code: code, frameType: frameType, reason: reason, isApplication: isApplication)
        case .newConnectionID(_, let id):
            noteConnectionID(Array(id), addressing: direction.reversed)
        case .handshakeDone:
            if summary.handshakeCompletedTime == nil { summary.handshakeCompletedTime = time }
        case .padding, .ping, .ack, .newToken, .flowControl, .retireConnectionID, .path, .datagram:
            break
        }
    }

    /// Puts one STREAM frame's data in order and passes on what follows on.
    private mutating func receiveStream(
        _ id: UInt64, offset: UInt64, data: ArraySlice<UInt8>, fin: Bool, from direction: Direction, time: Timestamp,
        emit: (QUICEvent) -> Void
    ) {
        let key = StreamKey(id: id, direction: direction)
        // At most one hash lookup for a stream that is open (none when the frame before was on the same
        // stream): its assembler is changed in place in the table.
        let index: Dictionary<StreamKey, QUICStreamAssembler>.Index
        if let last = lastStream, last.key == key {
            index = last.index
        } else if let open = streams.index(forKey: key) {
            index = open
        } else {
            guard !endedStreams.contains(key) else { return }
            guard streams.count < limits.maxOpenStreams else {
                reportOnce("more than \(limits.maxOpenStreams) QUIC streams open at once: frames of further streams dropped", isError: true, emit: emit)
                return
            }
            streams[key] = QUICStreamAssembler(maxBufferedBytes: limits.maxBufferedBytesPerStream, maxOffsetAhead: limits.maxOffsetAhead)
            guard let added = streams.index(forKey: key) else { return }
            index = added
        }
        let packet = packetClock?.number ?? 0
        if streams.values[index].takeInOrder(offset: offset, data: data, fin: fin) {
            // Nothing is held, so no limit can be passed.
            emit(.streamData(streamID: id, direction: direction, bytes: data, time: time, packet: packet))
        } else {
            addHeld(offset: offset, data: data, fin: fin, packet: packet, at: index, key: key, time: time, emit: emit)
        }
        if streams.values[index].isComplete {
            let held = streams.values[index].bufferedBytes
            bufferedStreamBytes &-= held
            hold(-held)
            streams.remove(at: index)
            // Stream IDs only grow, so the set is bounded by what a connection can open; cap it anyway.
            if endedStreams.count < 1 << 20 { endedStreams.insert(key) }
            emit(.streamFinished(streamID: id, direction: direction, time: time))
        } else {
            lastStream = (key, index)
        }
    }

    /// `receiveStream` for a frame that is out of order, overlaps, or joins data held behind a hole: the
    /// assembler at `index` holds what cannot be delivered yet, within the connection's limit and the
    /// session's budget.
    private mutating func addHeld(
        offset: UInt64, data: ArraySlice<UInt8>, fin: Bool, packet: Int, at index: Dictionary<StreamKey, QUICStreamAssembler>.Index,
        key: StreamKey, time: Timestamp, emit: (QUICEvent) -> Void
    ) {
        let heldBefore = streams.values[index].bufferedBytes
        var (pieces, problem) = streams.values[index].add(offset: offset, data: data, fin: fin, packet: packet)
        if let problem { reportOnce("stream \(key.id): \(problem)", isError: true, emit: emit) }
        let grown = streams.values[index].bufferedBytes &- heldBefore
        bufferedStreamBytes &+= grown
        hold(grown)
        let overConnectionLimit = bufferedStreamBytes > limits.maxBufferedBytesPerConnection
        if overConnectionLimit {
            reportOnce("more than \(limits.maxBufferedBytesPerConnection) stream bytes held behind holes: holes given up as gaps", isError: false, emit: emit)
        }
        if overConnectionLimit || overBudget(emit: emit) {
            let held = streams.values[index].bufferedBytes
            pieces += streams.values[index].giveUpHoles()
            bufferedStreamBytes &-= held
            hold(-held)
        }
        Self.deliver(pieces, key: key, time: time, emit: emit)
    }

    /// Notes bytes this connection holds (`delta` > 0) or no longer holds, against the session's budget.
    mutating func hold(_ delta: Int) {
        guard delta != 0 else { return }
        heldInBudget &+= delta
        bufferBudget?.adjust(by: delta)
    }

    /// Whether the session's budget is exceeded (what grew then gives up its holes): counted as an
    /// eviction and reported once per connection.
    mutating func overBudget(emit: (QUICEvent) -> Void) -> Bool {
        guard let budget = bufferBudget, budget.usedBytes > budget.limit else { return false }
        budget.noteGivenUp()
        reportOnce("the session's QUIC buffer budget (\(budget.limit) bytes held while waiting) is used up: holes given up as gaps", isError: false, emit: emit)
        return true
    }

    /// Emits in-order pieces of a stream.
    static func deliver(_ pieces: [QUICStreamAssembler.Piece], key: StreamKey, time: Timestamp, emit: (QUICEvent) -> Void) {
        for piece in pieces {
            switch piece {
            case .data(let bytes, let packet):
                if !bytes.isEmpty { emit(.streamData(streamID: key.id, direction: key.direction, bytes: bytes, time: time, packet: packet)) }
            case .gap(let length):
                emit(.streamGap(streamID: key.id, direction: key.direction, length: length, time: time))
            }
        }
    }
}
