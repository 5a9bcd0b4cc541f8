import HarkCore
import NIOCore

/// Streams an extended CONNECT switched to another protocol (RFC 8441: WebSocket over HTTP/2): the
/// exchange is reported at the 2xx response, as HTTP/1's `101` is; then the stream's DATA is the
/// other protocol's bytes, handed on as they come, and each side's END_STREAM (or a reset) ends them.
extension HTTP2Analyzer {
    /// Switches stream `id` when its final response just accepted an extended CONNECT, reporting the
    /// exchange as it stands.
    mutating func switchIfAccepted(_ id: UInt32, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        guard let name = streams[id]?.acceptedProtocol else { return }
        streams[id]?.switchedTo = name
        guard let stream = streams[id] else { return }
        emit(.streamSwitched(stream.exchange(incompleteReason: .connectionEnded, limits: limits), to: name))
        // END_STREAM already sent (on the CONNECT or with the 2xx) ends that side of the tunnel at once.
        for direction in Direction.allCases where stream.side(direction).ended {
            emit(.streamEnded(streamID: id, direction, time, .endStream))
        }
    }

    /// A DATA frame on a switched stream: its content handed on, its END_STREAM ending the side.
    mutating func switchedData(
        _ content: ByteBuffer,
        _ header: HTTP2FrameHeader,
        from direction: Direction,
        first: Timestamp,
        last: Timestamp,
        packets: FramePackets,
        emit: (HTTP2Event) -> Void
    ) {
        streams[header.streamID]?.withSide(direction) { $0.touch(first: first, last: last, packets: packets) }
        if content.readableBytes > 0 { emit(.streamData(streamID: header.streamID, direction, content, last)) }
        if header.flags.contains(.endStream) {
            endSwitched(header.streamID, direction, .endStream, at: last, emit: emit)
            completeIfDone(header.streamID, emit: emit)
        }
    }

    /// Ends one side of a switched stream, once.
    mutating func endSwitched(_ id: UInt32, _ direction: Direction, _ end: SwitchedStreamEnd, at time: Timestamp,
        emit: (HTTP2Event) -> Void)
    {
        guard streams[id]?.side(direction).ended == false else { return }
        streams[id]?.withSide(direction) { $0.ended = true }
        emit(.streamEnded(streamID: id, direction, time, end))
    }

    /// Ends every open side of a switched stream with `end` and forgets the stream.
    mutating func closeSwitched(_ id: UInt32, _ end: SwitchedStreamEnd, at time: Timestamp, emit: (HTTP2Event) -> Void) {
        for direction in Direction.allCases { endSwitched(id, direction, end, at: time, emit: emit) }
        streams[id] = nil
    }
}
