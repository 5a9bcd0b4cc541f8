public import HarkCore

/// What a `QUICConnectionAnalyzer` found, in the order packets were captured.
public enum QUICEvent {
    /// The next in-order bytes of a stream from one side (a slice of the decrypted datagram), with the
    /// number of the capture packet they came in (from the analyzer's `PacketClock`; 0: not known).
    case streamData(streamID: UInt64, direction: Direction, bytes: ArraySlice<UInt8>, time: Timestamp, packet: Int)
    /// Bytes of a stream the capture does not hold.
    case streamGap(streamID: UInt64, direction: Direction, length: UInt64, time: Timestamp)
    /// One side's half of a stream ended cleanly (FIN, every byte delivered).
    case streamFinished(streamID: UInt64, direction: Direction, time: Timestamp)
    /// One side abandoned its half of a stream (RESET_STREAM).
    case streamReset(streamID: UInt64, direction: Direction, errorCode: UInt64, time: Timestamp)
    /// One side asked the other to stop sending on a stream (STOP_SENDING).
    case stopSending(streamID: UInt64, direction: Direction, errorCode: UInt64, time: Timestamp)
    /// The handshake told the connection's server name, protocols, suite or decryption state (read
    /// `QUICConnectionAnalyzer.summary`).
    case handshakeUpdated
    /// A problem in the input; `isError` for what breaks decoding, else a warning.
    case diagnostic(String, isError: Bool)
}
