import HarkCore
import NIOCore

extension HTTP1Analyzer {
    /// Parses client bytes into requests.
    mutating func readClient(_ bytes: ByteBuffer, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        var input = client.begin(bytes)
        reading: while true {
            switch client.step(&input, at: time) {
            case .needMoreData:
                break reading
            case .head(let head, let size):
                beginRequest(head, size: size, at: time, emit: emit)
            case .bodyBytes(let slice):
                let packet = currentPacket
                request?.append(slice, at: time, packet: packet)
            case .messageEnd(let end):
                finishRequest(end, at: time, emit: emit)
                if held.isActive {
                    // The rest waits for the answer to the Upgrade/CONNECT request.
                    if input.readableBytes > 0 {
                        hold(
                            .bytes(Self.ownedCopy(of: input), time, currentPacket),
                            byteCount: input.readableBytes,
                            at: time,
                            emit: emit
                        )
                        input.moveReaderIndex(to: input.writerIndex)
                    }
                    break reading
                }
            case .diagnostic(let kind, let offset, let length, let detail, let packet):
                var diagnostic = HTTP1Diagnostic(kind, direction: .clientToServer, streamOffset: offset, length: length, time: time, detail: detail)
                diagnostic.packet = packet
                emit(.diagnostic(diagnostic))
            case .notAMessageStart:
                client.startResync(skippingFirstByte: true)
            case .tunnelBytes(let slice):
                emit(.tunnelData(.clientToServer, slice, time))
            }
        }
        client.end(&input)
    }

    /// Starts a request: queues its exchange and sets the body framing. A head cut short
    /// (`isComplete` false) gets no body: the reader is already past it.
    mutating func beginRequest(
        _ head: consuming ParsedHead,
        size: Int,
        isComplete: Bool = true,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        let start = client.messageStart
        Self.reportProblems(of: head, in: .clientToServer, startingAt: start, at: time, emit: emit)
        let decision = BodyFraming.forRequest(head)
        for problem in decision.problems {
            emit(
                Self.diagnostic(
                    problem.kind,
                    .clientToServer,
                    offset: start,
                    length: size,
                    detail: problem.detail,
                    time: time
                )
            )
        }
        guard case .request(let method, let target) = head.start else { return }
        if exchanges.count(where: \.awaitsResponse) >= limits.maxPendingRequests,
            let oldest = exchanges.first(where: \.awaitsResponse)
        {
            oldest.noResponse = .tooManyPendingRequests
        }
        let cost = PendingExchange.cost(headSize: size, fieldCount: head.headers.count)
        if let budget = limits.waitingRequests, !budget.fits(cost) {
            giveUpOldestWaiting(to: budget, emit: emit)
        }
        let exchange = PendingExchange(
            index: nextExchangeIndex,
            pipelineDepth: exchanges.count(where: { !$0.hasResponse && $0.noResponse == nil }),
            method: method,
            target: target,
            upgrade: head.upgrade,
            budget: limits.waitingRequests,
            cost: cost
        )
        if serverFinished { exchange.noResponse = .connectionEnded }
        nextExchangeIndex += 1
        exchanges.append(exchange)
        head.trimFieldCapacity()
        request = MessageBuilder(
            head: consume head,
            headSize: size,
            isHeadComplete: isComplete,
            framing: decision.framing,
            startOffset: start,
            firstByteTime: client.messageStartTime,
            headEndTime: time,
            firstPacket: client.messageStartPacket,
            lastPacket: client.headLastPacket,
            limits: limits,
            decodesContent: decodesContent
        )
        if isComplete { client.startBody(decision.framing) }
        flush(emit: emit)
    }

    /// Makes room in the session's budget for a new request: emits at once this connection's oldest
    /// request that has no response under way, given up (`sessionBudgetUsedUp`) unless it already was
    /// for another reason. It goes out ahead of an earlier exchange whose response is still being read,
    /// so that what it holds is freed now. A connection with no such request keeps its new one anyway:
    /// the connection budget bounds those.
    private mutating func giveUpOldestWaiting(to budget: ByteBudget, emit: (HTTP1Event) -> Void) {
        let answered = response?.exchangeIndex
        guard
            let position = exchanges.firstIndex(where: {
                $0.hasRequest && !$0.hasFinalResponseHead && $0.index != answered && $0.index != held.exchangeIndex
            })
        else { return }
        let oldest = exchanges.remove(at: position)
        if oldest.noResponse == nil {
            oldest.noResponse = .sessionBudgetUsedUp
            budget.noteGivenUp()
        }
        oldest.emitExchange(emit)
    }

    /// Completes the request being read; holds later client bytes if it may switch protocols.
    mutating func finishRequest(_ end: MessageReader.BodyEnd, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        guard var builder = request.take() else { return }
        // A message cut short (gap, end of capture) keeps the time of its last byte seen.
        if end.isComplete {
            builder.lastByteTime = time
            builder.lastPacket = currentPacket
        }
        // Consumed: otherwise the builder (large) is copied, and the copy's parts moved.
        guard let finished = (consume builder).request(end),
            let pending = exchanges.last(where: { !$0.hasRequest })
        else { return }
        pending.request = consume finished
        if pending.mayOpenTunnel, pending.awaitsResponse, !held.isActive {
            held.exchangeIndex = pending.index
        }
        flush(emit: emit)
    }

    /// Defers a client call until the held request is answered, or gives up holding past the limit.
    mutating func hold(_ item: HeldClientInput.Item, byteCount: Int, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        held.items.append(item)
        held.byteCount &+= byteCount
        guard held.byteCount > limits.maxHeldBytes else { return }
        // Reported at the first held byte, without a length: where the limit is crossed depends on how
        // the bytes were segmented, and the events must not.
        emit(
            Self.diagnostic(
                .heldBytesOverflow,
                .clientToServer,
                offset: client.offset,
                length: 0,
                detail: "more than \(limits.maxHeldBytes) bytes",
                time: time
            )
        )
        releaseHeld(emit: emit)
    }

    /// Replays held client input through the client reader: parsed as HTTP when the request it followed
    /// kept HTTP/1, passed on as tunnel data after a switch.
    mutating func releaseHeld(emit: (HTTP1Event) -> Void) {
        guard held.isActive else { return }
        let items = held.items
        held = HeldClientInput()
        for item in items {
            switch item {
            case .bytes(let bytes, let time, let packet):
                if let packetClock {
                    packetClock.with(packet) { deliver(bytes, from: .clientToServer, at: time, emit: emit) }
                } else {
                    deliver(bytes, from: .clientToServer, at: time, emit: emit)
                }
            case .gap(let length, let time): deliverGap(length, in: .clientToServer, at: time, emit: emit)
            case .finish(let time): deliverFinish(.clientToServer, at: time, emit: emit)
            }
        }
    }
}
