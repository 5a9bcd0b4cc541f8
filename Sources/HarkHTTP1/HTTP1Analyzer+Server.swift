import HarkCore
import NIOCore

extension HTTP1Analyzer {
    /// Parses server bytes into responses and pairs them with requests.
    mutating func readServer(_ bytes: ByteBuffer, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        var input = server.begin(bytes)
        reading: while true {
            switch server.step(&input, at: time) {
            case .needMoreData:
                break reading
            case .head(let head, let size):
                beginResponse(head, size: size, at: time, emit: emit)
            case .bodyBytes(let slice):
                let packet = currentPacket
                response?.builder.append(slice, at: time, packet: packet)
            case .messageEnd(let end):
                finishResponse(end, at: time, emit: emit)
            case .diagnostic(let kind, let offset, let length, let detail, let packet):
                var diagnostic = HTTP1Diagnostic(kind, direction: .serverToClient, streamOffset: offset, length: length, time: time, detail: detail)
                diagnostic.packet = packet
                emit(.diagnostic(diagnostic))
            case .notAMessageStart:
                startHeadlessResponseOrResync(at: time, emit: emit)
            case .tunnelBytes(let slice):
                emit(.tunnelData(.serverToClient, slice, time))
            }
        }
        server.end(&input)
    }

    /// Pairs a response head with the oldest request still waiting and sets the body framing. A head cut
    /// short (`isComplete` false) gets no body, as the reader is already past it, and switches no
    /// protocol, as where it ended is unknown.
    mutating func beginResponse(
        _ head: consuming ParsedHead,
        size: Int,
        isComplete: Bool = true,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        let start = server.messageStart
        Self.reportProblems(of: head, in: .serverToClient, startingAt: start, at: time, emit: emit)
        guard case .response(let status, _) = head.start else { return }
        if serverLostMessageStart, !status.isInformational || status == .switchingProtocols {
            serverLostMessageStart = false
            markResponsesLostInGap()
        }
        let pending = exchanges.first { $0.awaitsResponse }
        let decision = BodyFraming.forResponse(head, status: status, method: pending?.method)
        for problem in decision.problems {
            emit(
                Self.diagnostic(
                    problem.kind,
                    .serverToClient,
                    offset: start,
                    length: size,
                    detail: problem.detail,
                    time: time
                )
            )
        }
        // RFC 9110 §15.2: a 1xx other than 101 is interim; the final response follows.
        let isInterim = status.isInformational && status != .switchingProtocols
        response = ResponseInProgress(
            builder: MessageBuilder(
                head: consume head,
                headSize: size,
                isHeadComplete: isComplete,
                framing: decision.framing,
                startOffset: start,
                firstByteTime: server.messageStartTime,
                headEndTime: time,
                firstPacket: server.messageStartPacket,
                lastPacket: server.headLastPacket,
                limits: limits,
                decodesContent: decodesContent
            ),
            exchangeIndex: pending?.index,
            isInterim: isInterim,
            switchesProtocol: decision.switchesProtocol && isComplete
        )
        if isComplete { server.startBody(decision.framing) }
        if let pending, !isInterim {
            pending.hasFinalResponseHead = true
            if exchanges.last !== pending { sawPipelining = true }
            if held.exchangeIndex == pending.index, !decision.switchesProtocol {
                // The held request kept HTTP/1: what followed it is plain HTTP.
                releaseHeld(emit: emit)
            }
        }
    }

    /// After a server-side gap that hit a message boundary: a client that does not pipeline sends a
    /// request only once the previous response is complete, so if several requests wait, the gap
    /// swallowed the answers of all but the newest.
    private mutating func markResponsesLostInGap() {
        guard !sawPipelining else { return }
        let waiting = exchanges.filter(\.awaitsResponse)
        for lost in waiting.dropLast() { lost.noResponse = .lostInCaptureGap }
    }

    /// Bytes that are not a status line: an HTTP/0.9 response if they are the server's very first bytes
    /// and answer a request seen from the start of the connection; otherwise garbage to skip.
    private mutating func startHeadlessResponseOrResync(at time: Timestamp, emit: (HTTP1Event) -> Void) {
        guard server.isPristine, client.firstMessageAtStreamStart,
            let pending = exchanges.first(where: { $0.awaitsResponse })
        else {
            server.startResync(skippingFirstByte: true)
            return
        }
        pending.hasFinalResponseHead = true
        emit(
            Self.diagnostic(.http09Response, .serverToClient, offset: server.offset, length: 0, detail: nil, time: time)
        )
        response = ResponseInProgress(
            builder: MessageBuilder(
                head: nil,
                headSize: 0,
                framing: .untilClose,
                startOffset: server.offset,
                firstByteTime: time,
                headEndTime: time,
                firstPacket: currentPacket,
                lastPacket: currentPacket,
                limits: limits,
                decodesContent: decodesContent
            ),
            exchangeIndex: pending.index,
            isInterim: false,
            switchesProtocol: false
        )
        server.startCloseDelimitedBody()
    }

    /// Completes the response being read: attaches it to its exchange, emits what is done, and opens
    /// the tunnel after a switch.
    mutating func finishResponse(_ end: MessageReader.BodyEnd, at time: Timestamp, emit: (HTTP1Event) -> Void) {
        guard var progress = response.take() else { return }
        // A message cut short (gap, end of capture) keeps the time of its last byte seen.
        if end.isComplete {
            progress.builder.lastByteTime = time
            progress.builder.lastPacket = currentPacket
        }
        let (exchangeIndex, isInterim, switchesProtocol) = (progress.exchangeIndex, progress.isInterim, progress.switchesProtocol)
        // Consumed, so that the builder's parts move into the response instead of being copied.
        let finished = (consume progress).builder.response(end)
        guard let pending = exchanges.first(where: { $0.index == exchangeIndex }) else {
            emit(.unpairedResponse(finished, skippedRequestBytes: client.skippedBytesPreview))
            if switchesProtocol { openTunnel(for: nil, response: finished, at: time, emit: emit) }
            return
        }
        if isInterim {
            pending.interim.append(finished)
        } else if switchesProtocol {
            pending.response = finished
            openTunnel(for: pending, response: finished, at: time, emit: emit)
        } else {
            pending.response = consume finished
            flush(emit: emit)
        }
    }

    /// Switches the connection to tunnel mode after a 101 or a 2xx to CONNECT.
    private mutating func openTunnel(
        for pending: PendingExchange?,
        response switching: HTTP1Response,
        at time: Timestamp,
        emit: (HTTP1Event) -> Void
    ) {
        // A request still being sent is cut where the switch happened.
        if request != nil { finishRequest(client.endBody(isComplete: false), at: time, emit: emit) }
        let kind: HTTP1Tunnel.Kind
        var exchangeIndex: Int?
        if let pending {
            exchangeIndex = pending.index
            kind =
                pending.method == .connect && switching.status != .switchingProtocols
                ? .connect(authority: pending.target)
                : .upgrade(protocol: switching.headers.first("Upgrade") ?? pending.upgrade)
            for later in exchanges where later.index > pending.index && later.awaitsResponse {
                later.noResponse = .connectionUpgraded
            }
        } else {
            kind = .upgrade(protocol: switching.headers.first("Upgrade"))
        }
        flush(emit: emit)
        emit(
            .tunnelOpened(
                HTTP1Tunnel(
                    kind: kind,
                    exchangeIndex: exchangeIndex,
                    clientOffset: client.offset,
                    serverOffset: server.offset,
                    time: time
                )
            )
        )
        // Client bytes that arrived before the switch become the tunnel's first bytes.
        if let carried = client.carried {
            client.carried = nil
            emit(.tunnelData(.clientToServer, carried, time))
        }
        client.startTunnel()
        server.startTunnel()
        // Held client bytes now pass through the client reader, which hands them on as tunnel data.
        releaseHeld(emit: emit)
    }
}
