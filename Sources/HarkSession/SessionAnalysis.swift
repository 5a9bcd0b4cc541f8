import HarkCore
import HarkPacket
import HarkReassembly

/// The analysing half of a session: statistics, reassembly and the protocol stacks behind it.
struct SessionAnalysis {
    var statistics = SessionStatistics()
    var reassembler: TCPReassembler
    var dispatcher: StreamDispatcher

    init(reassembler: TCPReassembler, dispatcher: StreamDispatcher) {
        self.reassembler = reassembler
        self.dispatcher = dispatcher
    }

    /// Takes one batch's frames, diagnostics and secrets, in order, moving the frames out of it.
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
    }

    private mutating func take(_ note: BatchNote) {
        switch note {
        case .diagnostic(let diagnostic): dispatcher.report(diagnostic)
        case .secrets(let secrets): dispatcher.add(secrets)
        }
    }

    private mutating func take(_ frame: consuming DecodedFrame, bytesRead: Int64) {
        statistics.frames += 1
        if statistics.frames & 0xfff == 0 {
            dispatcher.observer.progress(bytesRead: bytesRead)
        }
        statistics.capturedBytes += Int64(frame.capturedBytes)
        if frame.isTruncated { statistics.truncatedFrames += 1 }
        let timestamp = frame.timestamp
        let fileOffset = frame.fileOffset

        let number = frame.number
        let packet = frame.packet
        _ = consume frame
        switch consume packet {
        case .tcp(let segment):
            statistics.tcpSegments += 1
            reassembler.process(segment, at: timestamp, packetNumber: number, handler: &dispatcher)
        case .other(let traffic):
            statistics.otherTraffic[traffic.description, default: 0] += 1
        case .fragmentHeld:
            statistics.heldFragments += 1
        case .malformed(let error) where error.isInReassembledDatagram:
            statistics.malformedFrames += 1
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number))
        case .malformed(let error):
            statistics.malformedFrames += 1
            dispatcher.report(Diagnostic(.error, error.description, packetNumber: number, byteOffset: fileOffset))
        }
    }

    /// Ends every connection still open and returns the counts.
    mutating func finish() -> SessionStatistics {
        reassembler.finish(handler: &dispatcher)
        statistics.connections = dispatcher.connectionCount
        statistics.exchanges = dispatcher.exchangeCount
        statistics.diagnostics = dispatcher.diagnosticCount
        return statistics
    }
}
