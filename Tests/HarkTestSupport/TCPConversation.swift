public import HarkCore
import HarkPacket
import NIOCore

/// One TCP connection written as a classic pcap, for end-to-end tests: the handshake, each side's bytes
/// in segments of at most `segmentSize`, acknowledged, one millisecond apart, and the closing FINs.
///
/// ### Example
/// ```swift
/// var conversation = TCPConversation()
/// conversation.client(Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
/// conversation.server(response)
/// conversation.close()
/// try conversation.pcap.bytes.write(to: path)
/// ```
public struct TCPConversation: Sendable {
    /// The capture so far.
    public private(set) var pcap: PcapBuilder
    /// Largest payload per segment (an Ethernet MSS by default).
    public let segmentSize: Int
    private let clientAddress = "10.0.0.1"
    private let serverAddress = "10.0.0.2"
    private let clientPort: UInt16 = 40000
    private let serverPort: UInt16 = 80
    private var clientSequence: UInt32 = 1000
    private var serverSequence: UInt32 = 5000
    private var microseconds: UInt64 = 1_700_000_000_000_000

    /// A capture holding the three-way handshake.
    public init(segmentSize: Int = 1448, linkType: LinkType = .ethernet) {
        self.segmentSize = max(1, segmentSize)
        pcap = PcapBuilder(linkType: linkType)
        record(fromClient: true, flags: [.syn], payload: [])
        clientSequence &+= 1
        record(fromClient: false, flags: [.syn, .ack], payload: [])
        serverSequence &+= 1
        record(fromClient: true, flags: [.ack], payload: [])
    }

    /// Bytes the client sends.
    public mutating func client(_ bytes: [UInt8]) { send(bytes, fromClient: true) }

    /// Bytes the server sends.
    public mutating func server(_ bytes: [UInt8]) { send(bytes, fromClient: false) }

    /// The server sends its last `bytes` again, `times` times (retransmissions, one millisecond apart).
    public mutating func serverRetransmits(_ bytes: [UInt8], times: Int) {
        let length = UInt32(truncatingIfNeeded: bytes.count)
        serverSequence &-= length
        for _ in 0..<max(0, times) {
            record(fromClient: false, flags: [.ack, .psh], payload: bytes)
        }
        serverSequence &+= length
    }

    /// Both sides close: client FIN, server FIN, last ACK.
    public mutating func close() {
        record(fromClient: true, flags: [.fin, .ack], payload: [])
        clientSequence &+= 1
        record(fromClient: false, flags: [.fin, .ack], payload: [])
        serverSequence &+= 1
        record(fromClient: true, flags: [.ack], payload: [])
    }

    private mutating func send(_ bytes: [UInt8], fromClient: Bool) {
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + segmentSize)
            record(fromClient: fromClient, flags: [.ack, .psh], payload: Array(bytes[start..<end]))
            let length = UInt32(truncatingIfNeeded: end - start)
            if fromClient { clientSequence &+= length } else { serverSequence &+= length }
            start = end
        }
    }

    private mutating func record(fromClient: Bool, flags: TCPFlags, payload: [UInt8]) {
        let frame = PacketBuilder.tcpFrame(
            from: fromClient ? clientAddress : serverAddress,
            port: fromClient ? clientPort : serverPort,
            to: fromClient ? serverAddress : clientAddress,
            port: fromClient ? serverPort : clientPort,
            sequenceNumber: fromClient ? clientSequence : serverSequence,
            acknowledgmentNumber: flags == [.syn] ? 0 : (fromClient ? serverSequence : clientSequence),
            flags: flags,
            payload: payload
        )
        pcap.append(
            Array(frame.readableBytesView),
            seconds: UInt32(truncatingIfNeeded: microseconds / 1_000_000),
            fraction: UInt32(truncatingIfNeeded: microseconds % 1_000_000)
        )
        microseconds &+= 1000
    }
}
