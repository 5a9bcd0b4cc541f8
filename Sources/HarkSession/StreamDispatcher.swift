import HarkCore
import HarkReassembly
import NIOCore

/// Sits behind reassembly: gives each connection's bytes to the analyzer its protocol needs and
/// forwards everything the observer wants to see.
struct StreamDispatcher<Observer: SessionObserver>: TCPStreamHandler {
    var observer: Observer
    /// Per open connection: what has been recognised so far.
    private var analyses: [Int: ConnectionAnalysis] = [:]

    init(observer: Observer) {
        self.observer = observer
    }

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        analyses[connection.id] = ConnectionAnalysis()
        observer.connectionOpened(connection)
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp) {
        analyses[connection]?.receive(bytes, from: direction)
    }

    mutating func tcpEvent(_ event: TCPEvent) {
        observer.tcpEvent(event)
    }

    mutating func connectionClosed(_ summary: TCPConnectionSummary) {
        let analysis = analyses.removeValue(forKey: summary.info.id) ?? ConnectionAnalysis()
        observer.connectionClosed(ConnectionRecord(summary: summary, applicationProtocol: analysis.applicationProtocol))
    }
}

/// What is known about one connection's content.
struct ConnectionAnalysis {
    private(set) var applicationProtocol: ApplicationProtocol = .none
    /// The first bytes of a direction, kept while they are too few to decide.
    private var prefix: [Direction: ByteBuffer] = [:]
    /// Directions whose first bytes have been classified.
    private var decided: Set<Direction> = []

    /// Classifies the first bytes of each direction; a recognised protocol wins over `unknown`.
    mutating func receive(_ bytes: ByteBuffer, from direction: Direction) {
        guard !decided.contains(direction) else { return }
        var head = prefix[direction] ?? ByteBuffer()
        head.writeImmutableBuffer(bytes.getSlice(at: bytes.readerIndex, length: min(bytes.readableBytes, 64)) ?? ByteBuffer())
        switch ProtocolDetector.classify(head) {
        case .detected(let found):
            decided.insert(direction)
            prefix[direction] = nil
            if applicationProtocol == .none || applicationProtocol == .unknown {
                applicationProtocol = found
            }
        case .undecided:
            prefix[direction] = head
        }
    }
}
