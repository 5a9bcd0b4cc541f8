public import HarkCore
public import HarkModel

/// The session observer that fills a `LiveStore`: give it to `CaptureSession.run(observer:)` on the
/// analysing thread. It asks for packets only when the store keeps them.
public struct StoreObserver: SessionObserver {
    /// The store written to.
    public let store: LiveStore

    public init(store: LiveStore) {
        self.store = store
    }

    public var wantsPacketFacts: Bool { store.configuration.keepsPackets }

    public mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        store.write { $0.open(connection) }
    }

    public mutating func connectionClosed(_ connection: ConnectionRecord) {
        store.write { $0.close(connection) }
    }

    public mutating func tcpEvent(_ event: TCPEvent) {
        store.write { $0.add(event) }
    }

    public mutating func packet(_ fact: PacketFact) {
        store.write { $0.add(fact) }
    }

    public mutating func exchange(_ exchange: Exchange) {
        // Serialized outside the lock: views never wait for a large body's copy.
        store.add(exchange)
    }

    public mutating func message(_ message: ConnectionMessage) {
        // Made outside the lock: the payload's copy never holds up a view.
        let mark = MessageMark(message, payloadLimit: store.configuration.limits.maxMessageBytes)
        store.write { $0.add(mark, connectionID: message.connection.id) }
    }

    public mutating func diagnostic(_ diagnostic: Diagnostic) {
        store.write { $0.add(diagnostic) }
    }

    public mutating func progress(bytesRead: Int64) {
        store.write { $0.counters.bytesRead = bytesRead }
    }
}
