import HarkCore
import HarkModel
import NIOCore

/// Everything a `LiveStore` holds, changed only under its lock by the session's thread.
struct StoreState {
    let configuration: StoreConfiguration
    var version: UInt64 = 0
    var counters = StoreCounters()
    var rows = ExchangeList()
    var journal: DetailJournal
    var connections: [Int: ConnectionEntry] = [:]
    /// Connection ids in order of opening, from `connectionHead` on (earlier ones are gone).
    var connectionOrder: [Int] = []
    var connectionHead = 0
    /// The latest diagnostics, each with the version it came at.
    var diagnostics: [(version: UInt64, diagnostic: Diagnostic)] = []
    /// Packets kept one by one over all connections.
    var keptPackets = 0
    /// Messages kept over all connections.
    var keptMessages = 0

    init(configuration: StoreConfiguration) {
        self.configuration = configuration
        journal = DetailJournal(
            limits: configuration.journal, exchangesPerSegment: configuration.limits.exchangesPerSegment
        )
    }

    private var limits: StoreLimits { configuration.limits }

    /// Starts a change: the version every item touched by it gets.
    mutating func bump() -> UInt64 {
        version &+= 1
        return version
    }

    // MARK: - Writing

    mutating func open(_ info: TCPConnectionInfo) {
        let version = bump()
        counters.connections += 1
        connections[info.id] = ConnectionEntry(info: info, version: version)
        connectionOrder.append(info.id)
        while connectionOrder.count - connectionHead > max(1, limits.maxConnections) {
            evictOldestConnection()
        }
    }

    mutating func close(_ record: ConnectionRecord) {
        let version = bump()
        let id = record.summary.info.id
        if connections[id] == nil {
            // Opened before the store was attached, or evicted: keep the record all the same.
            open(record.summary.info)
        }
        connections[id]?.record = record
        if let tls = record.tls { connections[id]?.tls = tls }
        connections[id]?.version = version
    }

    mutating func add(_ event: TCPEvent) {
        guard connections[event.connectionID] != nil else { return }
        let version = bump()
        connections[event.connectionID]?.version = version
        if connections[event.connectionID]?.events.count ?? 0 < limits.maxEventsPerConnection {
            connections[event.connectionID]?.events.append(event)
        } else {
            connections[event.connectionID]?.omittedEvents += 1
            counters.omittedEvents += 1
        }
    }

    mutating func add(_ fact: PacketFact) {
        guard let kept = connections[fact.connectionID]?.packets.packets.count else { return }
        let version = bump()
        let keepOne = kept < limits.maxPacketsPerConnection && keptPackets < configuration.maxPackets
        if keepOne { keptPackets += 1 } else { counters.aggregatedPackets += 1 }
        let maxBuckets = limits.maxPacketBuckets
        connections[fact.connectionID]?.packets.add(fact, keepOne: keepOne, maxBuckets: maxBuckets)
        connections[fact.connectionID]?.version = version
    }

    /// Adds an exchange whose details were serialized (`ExchangeCodec`) into `record`.
    mutating func add(_ exchange: Exchange, record: ByteBuffer) {
        let version = bump()
        counters.exchanges += 1
        if !exchange.problems.isEmpty { counters.exchangesWithProblems += 1 }
        let location = journal.append(record, exchangeID: exchange.id)
        rows.append(ExchangeRow(exchange, version: version, location: location))
        let id = exchange.connection.id
        if connections[id] != nil {
            connections[id]?.exchangeCount += 1
            if let tls = exchange.connection.tls { connections[id]?.tls = tls }
            connections[id]?.version = version
        }
        let excess = rows.count - max(1, limits.maxExchanges)
        if excess > 0 {
            rows.removeOldest(excess)
            counters.evictedExchanges += excess
            if let first = rows[0] { journal.dropSegments(before: first.id) }
        }
    }

    /// Adds a message's mark (made outside the lock) to its connection, within the bounds.
    mutating func add(_ mark: MessageMark, connectionID id: Int) {
        guard let kept = connections[id]?.messages.count else {
            counters.omittedMessages += 1
            return
        }
        let version = bump()
        connections[id]?.version = version
        if kept < limits.maxMessagesPerConnection, keptMessages < limits.maxMessages {
            connections[id]?.messages.append(mark)
            keptMessages += 1
        } else {
            connections[id]?.omittedMessages += 1
            counters.omittedMessages += 1
        }
    }

    mutating func add(_ diagnostic: Diagnostic) {
        let version = bump()
        counters.diagnostics += 1
        if diagnostic.severity == .error { counters.errors += 1 }
        diagnostics.append((version, diagnostic))
        let bound = max(1, limits.maxDiagnostics)
        if diagnostics.count >= 2 * bound {
            let drop = diagnostics.count - bound
            diagnostics.removeFirst(drop)
            counters.droppedDiagnostics += drop
        }
    }

    private mutating func evictOldestConnection() {
        let id = connectionOrder[connectionHead]
        connectionHead += 1
        if let entry = connections.removeValue(forKey: id) {
            keptPackets -= entry.packets.packets.count
            keptMessages -= entry.messages.count
            counters.evictedConnections += 1
        }
        if connectionHead > 4096, connectionHead * 2 > connectionOrder.count {
            connectionOrder.removeFirst(connectionHead)
            connectionHead = 0
        }
    }

    // MARK: - Reading

    /// The counters, with the diagnostics past the bound that are waiting to be trimmed counted as
    /// dropped.
    var currentCounters: StoreCounters {
        var result = counters
        result.droppedDiagnostics += diagnostics.count - keptDiagnostics.count
        return result
    }

    /// The diagnostics kept, without the ones past the bound that are waiting to be trimmed.
    var keptDiagnostics: ArraySlice<(version: UInt64, diagnostic: Diagnostic)> {
        diagnostics.suffix(max(1, limits.maxDiagnostics))
    }
}
