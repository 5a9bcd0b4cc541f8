public import HarkCore
public import HarkModel

/// What the store knows about one TCP connection: how it opened, its summary once closed, its TLS
/// session, its TCP events and packets (both bounded).
public struct ConnectionEntry: Sendable {
    /// Identity and roles, from its first packet.
    public var info: TCPConnectionInfo
    /// The closing record (summary, protocol, TLS); nil while open.
    public var record: ConnectionRecord?
    /// The TLS session, as its exchanges or its record said.
    public var tls: TLSSummary?
    /// The first TCP events, in order (at most `StoreLimits.maxEventsPerConnection`).
    public var events: [TCPEvent] = []
    /// Events seen past the bound, counted only.
    public var omittedEvents = 0
    /// Its packets, when the store keeps them (`StoreConfiguration.keepsPackets`).
    public var packets = PacketSeries()
    /// The first messages it carried after an upgrade, in order (at most
    /// `StoreLimits.maxMessagesPerConnection`, and `maxMessages` over all connections), each with the
    /// start of its payload (`StoreLimits.maxMessageBytes`).
    public var messages: [MessageMark] = []
    /// Messages seen past the bounds, counted only.
    public var omittedMessages = 0
    /// Exchanges reported on it.
    public var exchangeCount = 0
    /// The store version of its last change.
    public var version: UInt64

    init(info: TCPConnectionInfo, version: UInt64) {
        self.info = info
        self.version = version
    }

    /// The light part for change lists: everything but the events and packets.
    public var summary: ConnectionSummary {
        ConnectionSummary(
            info: info, record: record, tls: tls, eventCount: events.count + omittedEvents,
            packetCount: packets.totalPackets, exchangeCount: exchangeCount, version: version
        )
    }
}

/// A connection without its events and packets: what a list of connections and `changes(since:)` carry.
public struct ConnectionSummary: Sendable, Hashable {
    public var info: TCPConnectionInfo
    /// The closing record; nil while open.
    public var record: ConnectionRecord?
    public var tls: TLSSummary?
    /// TCP events and packets seen (kept or not), and exchanges reported.
    public var eventCount: Int
    public var packetCount: Int
    public var exchangeCount: Int
    /// The store version of its last change.
    public var version: UInt64

    /// Whether the connection is over.
    public var isClosed: Bool { record != nil }
}
