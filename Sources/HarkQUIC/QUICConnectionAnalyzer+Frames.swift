import HarkCore

extension QUICConnectionAnalyzer {
    /// Handles the frames of one decrypted packet.
    mutating func handleFrames(of payload: ArraySlice<UInt8>, space: Space, from direction: Direction, time: Timestamp, emit: (QUICEvent) -> Void) {
        let (frames, error) = QUICFrameParser.parse(payload)
        if let error { reportOnce("QUIC \(space) packet: \(error)", isError: true, emit: emit) }
        for frame in frames {
            switch frame {
            case .crypto(let offset, let data):
                var assembler = crypto[space.rawValue][direction.index]
                let (pieces, problem) = assembler.add(offset: offset, data: data, fin: false, packet: packetClock?.number ?? 0)
                crypto[space.rawValue][direction.index] = assembler
                if let problem { reportOnce("CRYPTO frame: \(problem)", isError: true, emit: emit) }
                for case .data(let bytes, _) in pieces { readHandshake(bytes, from: direction, at: time, emit: emit) }
            case .stream(let id, let offset, let data, let fin):
                receiveStream(id, offset: offset, data: data, fin: fin, from: direction, time: time, emit: emit)
            case .resetStream(let id, let code, _):
                let key = StreamKey(id: id, direction: direction)
                if let removed = streams.removeValue(forKey: key) { bufferedStreamBytes &-= removed.bufferedBytes }
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
    }

    /// Puts one STREAM frame's data in order and passes on what follows on.
    private mutating func receiveStream(
        _ id: UInt64, offset: UInt64, data: ArraySlice<UInt8>, fin: Bool, from direction: Direction, time: Timestamp,
        emit: (QUICEvent) -> Void
    ) {
        let key = StreamKey(id: id, direction: direction)
        guard !endedStreams.contains(key) else { return }
        var assembler: QUICStreamAssembler
        if let existing = streams[key] {
            assembler = existing
        } else {
            guard streams.count < limits.maxOpenStreams else {
                reportOnce("more than \(limits.maxOpenStreams) QUIC streams open at once: frames of further streams dropped", isError: true, emit: emit)
                return
            }
            assembler = QUICStreamAssembler(maxBufferedBytes: limits.maxBufferedBytesPerStream, maxOffsetAhead: limits.maxOffsetAhead)
        }
        let heldBefore = assembler.bufferedBytes
        var (pieces, problem) = assembler.add(offset: offset, data: data, fin: fin, packet: packetClock?.number ?? 0)
        if let problem { reportOnce("stream \(id): \(problem)", isError: true, emit: emit) }
        bufferedStreamBytes &+= assembler.bufferedBytes &- heldBefore
        if bufferedStreamBytes > limits.maxBufferedBytesPerConnection {
            reportOnce("more than \(limits.maxBufferedBytesPerConnection) stream bytes held behind holes: holes given up as gaps", isError: false, emit: emit)
            let held = assembler.bufferedBytes
            pieces += assembler.giveUpHoles()
            bufferedStreamBytes &-= held
        }
        deliver(pieces, key: key, time: time, emit: emit)
        if assembler.isComplete {
            bufferedStreamBytes &-= assembler.bufferedBytes
            streams[key] = nil
            // Stream IDs only grow, so the set is bounded by what a connection can open; cap it anyway.
            if endedStreams.count < 1 << 20 { endedStreams.insert(key) }
            emit(.streamFinished(streamID: id, direction: direction, time: time))
        } else {
            streams[key] = assembler
        }
    }

    /// Emits in-order pieces of a stream.
    func deliver(_ pieces: [QUICStreamAssembler.Piece], key: StreamKey, time: Timestamp, emit: (QUICEvent) -> Void) {
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
