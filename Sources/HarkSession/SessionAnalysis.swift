import HarkCapture
import HarkCore
import HarkModel
import HarkPacket
import HarkQUIC
import HarkReassembly
import NIOCore

/// The analysing half of a session: statistics, reassembly of the packets the reading half decoded,
/// and the protocol stacks behind it (on this thread or on workers, as `Handler` does it).
struct SessionAnalysis<Handler: SessionHandler> {
    var statistics = SessionStatistics()
    var reassembler: TCPReassembler
    var udp: UDPLayer
    var dispatcher: Handler
    /// The time of the latest frame, for what waits on time (TLS input waiting for its secrets).
    private var latestTime: Timestamp?

    init(reassembler: TCPReassembler, quicLimits: QUICLimits, dispatcher: Handler) {
        self.reassembler = reassembler
        self.dispatcher = dispatcher
        self.udp = UDPLayer(limits: UDPFlowLimits(), quicLimits: quicLimits, keyLog: dispatcher.keyLog)
    }

    /// Takes one batch's frames, diagnostics and secrets, in order, moving the frames out of it. After
    /// the last batch, datagrams still missing fragments are reported, then the reader's closing
    /// diagnostics.
    mutating func consume(_ batch: inout PacketBatch) {
        var nextNote = 0
        for index in batch.frames.indices {
            while nextNote < batch.notes.count, batch.notes[nextNote].position <= index {
                take(batch.notes[nextNote].note)
                nextNote += 1
            }
            take(batch.takeFrame(at: index), bytesRead: batch.bytesRead)
        }
        while nextNote < batch.notes.count {
            take(batch.notes[nextNote].note)
            nextNote += 1
        }
        if let clock = batch.clock {
            reassembler.advance(to: clock, handler: &dispatcher)
            udp.expire(now: clock, dispatcher: &dispatcher)
        }
        // A quiet pipe's or followed file's clock runs on from its latest packet while no byte comes,
        // so that observers holding lines back by time let them out (the analysis itself keeps to the
        // packets' clock).
        let idleClock = batch.idleTime.flatMap { idle in latestTime.map { $0.advanced(by: idle) } }
        if let now = batch.clock ?? idleClock ?? latestTime {
            dispatcher.clock(now)
        }
        dispatcher.batchTaken(now: batch.clock ?? latestTime, isLive: batch.clock != nil)
        if let closing = batch.closingDiagnostics {
            for dropped in batch.closingDroppedDatagrams {
                dispatcher.report(Diagnostic(.warning, dropped.description))
            }
            for diagnostic in closing {
                dispatcher.report(diagnostic)
            }
        }
    }

    private mutating func take(_ note: BatchNote) {
        switch note {
        case .diagnostic(let diagnostic): dispatcher.report(diagnostic)
        case .secrets(let secrets): dispatcher.add(secrets)
        }
    }

    private mutating func take(_ decoded: consuming DecodedFrame, bytesRead: Int64) {
        let frame = decoded.frame
        statistics.frames += 1
        if statistics.frames & 0xfff == 0 {
            dispatcher.progress(bytesRead: bytesRead)
        }
        statistics.capturedBytes += Int64(frame.data.readableBytes)
        if frame.isTruncated { statistics.truncatedFrames += 1 }
        // NFLOG frames were put on one clock by `NFLOGClock`.
        let timestamp = frame.timestamp
        latestTime = timestamp
        let number = frame.number

        let packet = decoded.packet
        switch consume packet {
        case .tcp(let segment):
            statistics.tcpSegments += 1
            // What the stacks note while this packet is processed (a FIN ending a body, a gap) is in it;
            // bytes delivered get their own packet's number (`ConnectionAnalysis.deliver`).
            let clock = dispatcher.packetClock
            clock.number = number
            reassembler.process(segment, at: timestamp, packetNumber: number, handler: &dispatcher)
            clock.number = 0
            if statistics.evictedConnections == 0, reassembler.evictedConnectionCount > 0 {
                statistics.evictedConnections = reassembler.evictedConnectionCount
                let budget = reassembler.limits.maxTrackedConnections
                dispatcher.report(Diagnostic(
                    .warning,
                    "more than \(budget) TCP connections open at once: the least recently active are no longer "
                        + "tracked (unanswered SYNs first); their records end as evicted",
                    packetNumber: number
                ))
            }
        case .udp(let datagram):
            statistics.udpDatagrams += 1
            if !udp.take(datagram, at: timestamp, packetNumber: number, reassembler: &reassembler, dispatcher: &dispatcher) {
                statistics.otherTraffic[.udp, default: 0] += 1
            }
        case .other(let traffic):
            statistics.otherTraffic[traffic, default: 0] += 1
        case .fragmentHeld:
            statistics.heldFragments += 1
        case .malformed(let error) where error.isInReassembledDatagram:
            statistics.malformedFrames += 1
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number))
        case .malformed(let error):
            statistics.malformedFrames += 1
            let offset = frame.fileOffset >= 0 ? frame.fileOffset : nil
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number, byteOffset: offset))
        }
        for dropped in decoded.droppedDatagrams {
            dispatcher.report(Diagnostic(.warning, dropped.description, packetNumber: number))
        }
    }

    /// Ends every connection still open and returns the counts.
    mutating func finish() -> SessionStatistics {
        reassembler.finish(handler: &dispatcher)
        udp.finish(dispatcher: &dispatcher)
        dispatcher.inputEnded()
        statistics.evictedConnections = reassembler.evictedConnectionCount
        if statistics.evictedConnections > 0 {
            dispatcher.report(Diagnostic(.warning, "\(statistics.evictedConnections) TCP connections were evicted from tracking"))
        }
        statistics.udpFlows = udp.flowCount
        statistics.quicBufferEvictions = udp.quicBudget.givenUpCount
        if statistics.quicBufferEvictions > 0 {
            dispatcher.report(Diagnostic(
                .warning,
                "\(statistics.quicBufferEvictions) times a QUIC stream or blocked HTTP/3 section stopped waiting for missing "
                    + "bytes: the session's QUIC buffer budget (\(udp.quicBudget.limit) bytes) was used up"))
        }
        dispatcher.complete()
        statistics.waitingRequestsGivenUp = dispatcher.waitingRequestsGivenUp
        if statistics.waitingRequestsGivenUp > 0 {
            dispatcher.report(Diagnostic(
                .warning,
                "\(statistics.waitingRequestsGivenUp) requests were given up without their responses: the "
                    + "session held too many requests waiting for responses (memory budget)"))
        }
        statistics.connections = dispatcher.connectionCount
        statistics.exchanges = dispatcher.exchangeCount
        statistics.diagnostics = dispatcher.diagnosticCount
        return statistics
    }
}
