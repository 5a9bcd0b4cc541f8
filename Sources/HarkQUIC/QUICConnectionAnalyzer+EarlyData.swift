import HarkCore
import HarkTLS

extension QUICConnectionAnalyzer {
    /// Decrypts a 0-RTT packet (RFC 9001 §4.6.1): a resuming client's early data, protected with the key
    /// log's `CLIENT_EARLY_TRAFFIC_SECRET` and numbered in the application data space with the 1-RTT
    /// packets. Its cipher suite is the one of the resumed session, which the first 0-RTT packets come
    /// before the ServerHello to tell: the suites the client offered are tried on the first one (on a
    /// copy, as a failed attempt overwrites the packet) until one opens it.
    mutating func openZeroRTT(_ header: QUICPacketHeader, in datagram: inout [UInt8], at start: Int, from direction: Direction, time: Timestamp, emit: (QUICEvent) -> Void) {
        guard direction == .clientToServer else {
            summary.undecryptedPackets &+= 1
            reportOnce("a 0-RTT packet came from the server", isError: true, emit: emit)
            return
        }
        if earlyDataKeys == nil, earlyDataTrials < 4 { findEarlyDataKeys(header, in: datagram, at: start, emit: emit) }
        guard let keys = earlyDataKeys else {
            summary.undecryptedPackets &+= 1
            return
        }
        let space = Space.application
        switch QUICPacketOpener.open(&datagram, header: header, start: start, keys: keys, largestReceived: largest[space.rawValue][direction.index]) {
        case .failure:
            summary.undecryptedPackets &+= 1
            reportOnce("a QUIC 0-RTT packet did not decrypt", isError: false, emit: emit)
        case .success(let opened):
            summary.earlyDataPackets &+= 1
            if let packet = packetClock?.number, earlyDataCapturePackets.count < QUICLimits.maxEarlyDataPacketsNoted {
                earlyDataCapturePackets.insert(packet)
            }
            noteReceived(opened.packetNumber, space: space, direction: direction)
            handleFrames(of: opened.payload, space: space, from: direction, time: time, emit: emit)
        }
    }

    /// Finds the 0-RTT keys that open the packet at `start`, or says once why there are none.
    private mutating func findEarlyDataKeys(_ header: QUICPacketHeader, in datagram: [UInt8], at start: Int, emit: (QUICEvent) -> Void) {
        guard let random = summary.clientRandom, let version = summary.version else {
            reportOnce("0-RTT packets before the ClientHello are not decrypted", isError: false, emit: emit)
            return
        }
        guard let secret = keyLog.secrets(clientRandom: random)?.clientEarlyTrafficSecret else {
            reportOnce("0-RTT packets not decrypted: the key log lacks CLIENT_EARLY_TRAFFIC_SECRET for client random \(random)", isError: false, emit: emit)
            return
        }
        // The ServerHello's suite when it came first, else the offered ones whose hash fits the secret.
        let suites = summary.cipherSuite.map { [$0] } ?? offeredCipherSuites
        let largestReceived = largest[Space.application.rawValue][Direction.clientToServer.index]
        for suite in suites.prefix(8) {
            guard let keys = QUICPacketKeys(secret: secret, suite: suite, version: version) else { continue }
            var attempt = datagram
            if case .success = QUICPacketOpener.open(&attempt, header: header, start: start, keys: keys, largestReceived: largestReceived) {
                earlyDataKeys = keys
                return
            }
        }
        earlyDataTrials &+= 1
        reportOnce("0-RTT packets did not decrypt with the key log's CLIENT_EARLY_TRAFFIC_SECRET", isError: false, emit: emit)
    }
}
