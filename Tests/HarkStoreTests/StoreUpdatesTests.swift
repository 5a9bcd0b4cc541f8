import Foundation
import HarkCapture
import HarkCore
import HarkFilter
import HarkModel
import HarkSession
import HarkStore
import HarkTestSupport
import Testing

@Suite struct StoreUpdatesTests {
    /// `changes(since:)` lists what came after a version, and nothing twice.
    @Test func changesSinceAVersion() throws {
        let collected = try collectorRun("http1-browse-bro-org.pcap")
        let store = LiveStore()
        var observer = StoreObserver(store: store)
        let half = collected.exchanges.count / 2
        for exchange in collected.exchanges[..<half] { observer.exchange(exchange) }
        let first = store.changes(since: 0)
        #expect(first.exchanges.map(\.id) == collected.exchanges[..<half].map(\.id))
        for exchange in collected.exchanges[half...] { observer.exchange(exchange) }
        observer.diagnostic(Diagnostic(.warning, "late"))
        let second = store.changes(since: first.version)
        #expect(second.exchanges.map(\.id) == collected.exchanges[half...].map(\.id))
        #expect(second.diagnostics.map(\.message) == ["late"])
        #expect(store.changes(since: second.version).exchanges.isEmpty)
        #expect(store.changes(since: second.version).diagnostics.isEmpty)
    }

    /// With packets kept, each connection has every packet tshark counts for its stream, from its
    /// first to its last frame, and the kinds TCP analysis found.
    @Test(arguments: ["tcp-retx-cab-multi-conn.pcap", "tcp-ooo-retx-range-206.pcap", "http1-browse-bro-org.pcap"])
    func packetsMatchTshark(capture: String) throws {
        var configuration = StoreConfiguration()
        configuration.keepsPackets = true
        let store = try storeRun(capture, configuration: configuration)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(Fixtures.corpus(capture), kind: "oracle-tcp"))
        #expect(store.connections().count == oracle.rows.count)
        for row in oracle.rows {
            let id = try #require(row["tcp.stream"].flatMap { Int($0) })
            let entry = try #require(store.connection(id: id))
            #expect(entry.packets.packets.count == Int(row["packets"] ?? ""), "stream \(id)")
            #expect(entry.packets.packets.first?.packetNumber == Int(row["first_frame"] ?? ""))
            #expect(entry.packets.packets.last?.packetNumber == Int(row["last_frame"] ?? ""))
            let record = try #require(entry.record)
            let payload = entry.packets.packets.filter { $0.direction == .clientToServer }.reduce(0) { $0 + Int64($1.payloadLength) }
            #expect(payload == record.summary.clientToServer.payloadBytes)
        }
        // Each packet carries the kinds of the events reported at it.
        let events = try collectorRun(capture).events
        var expected: [Int: PacketKinds] = [:]
        for event in events { expected[event.packetNumber, default: []].formUnion(PacketKinds(event.kind)) }
        var found: [Int: PacketKinds] = [:]
        for summary in store.connections() {
            for packet in store.connection(id: summary.info.id)?.packets.packets ?? [] where !packet.kinds.isEmpty {
                found[packet.packetNumber, default: []].formUnion(packet.kinds)
            }
        }
        // Events at a packet not of the connection that showed them (idle sweeps, the end of the
        // capture) have no fact: compare the packets that have one.
        for (number, kinds) in found { #expect(expected[number]?.isSuperset(of: kinds) == true, "packet \(number)") }
        #expect(found.values.contains { $0.contains(.retransmission) } == expected.values.contains { $0.contains(.retransmission) })
    }

    /// Past the per-connection bound, packets are aggregated into a bounded number of buckets and
    /// none is lost from the counts.
    @Test func packetsPastTheBoundAreAggregated() throws {
        var configuration = StoreConfiguration()
        configuration.keepsPackets = true
        configuration.limits.maxPacketsPerConnection = 10
        configuration.limits.maxPacketBuckets = 4
        let store = try storeRun("http1-browse-bro-org.pcap", configuration: configuration)
        for summary in store.connections() {
            let series = try #require(store.connection(id: summary.info.id)?.packets)
            let record = try #require(summary.record)
            let total = record.summary.clientToServer.packets + record.summary.serverToClient.packets
            #expect(series.totalPackets == total)
            #expect(series.packets.count == min(10, total))
            #expect(series.buckets.count <= 4)
            #expect(series.packets.count + series.buckets.reduce(0) { $0 + $1.packets } == total)
            #expect(series.buckets.reduce(0) { $0 + $1.clientBytes } + series.packets.filter { $0.direction == .clientToServer }.reduce(0) { $0 + Int64($1.payloadLength) } == record.summary.clientToServer.payloadBytes)
        }
        #expect(store.counters.aggregatedPackets > 0)
    }

    /// Without packets asked for, the store gets none (the session does not produce them).
    @Test func noPacketsUnlessAsked() throws {
        let store = try storeRun("http1-browse-bro-org.pcap")
        #expect(store.connections().allSatisfy { $0.packetCount == 0 })
        #expect(store.connections().contains { $0.eventCount > 0 })
    }

    /// A view thread reading snapshots, changes and details while the session writes sees a
    /// consistent, growing list and ends with everything.
    @Test func readersOnOtherThreadsWhileTheSessionWrites() async throws {
        let store = LiveStore()
        let total = try collectorRun("http1-browse-bro-org.pcap").exchanges.count
        let reader = Task.detached {
            var version: UInt64 = 0
            var seen: [Int] = []
            while true {
                let finished = store.counters.isFinished
                let changes = store.changes(since: version)
                version = changes.version
                seen += changes.exchanges.map(\.id)
                if let last = changes.exchanges.last { _ = store.exchange(id: last.id) }
                let list = store.exchanges()
                if list.count > 0 { _ = list.matching(.all, in: store) }
                if finished { return seen }
                await Task.yield()
            }
        }
        let writer = Task.detached {
            var observer = StoreObserver(store: store)
            _ = CaptureSession(reader: try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path)).run(observer: &observer)
            store.finish()
        }
        try await writer.value
        let seen = await reader.value
        #expect(seen == Array(0..<total))
    }

    @Test func diagnosticsAreBounded() {
        var configuration = StoreConfiguration()
        configuration.limits.maxDiagnostics = 3
        let store = LiveStore(configuration: configuration)
        var observer = StoreObserver(store: store)
        for index in 0..<10 { observer.diagnostic(Diagnostic(.error, "problem \(index)")) }
        #expect(store.diagnostics().map(\.message) == ["problem 7", "problem 8", "problem 9"])
        #expect(store.counters.diagnostics == 10)
        #expect(store.counters.droppedDiagnostics == 7)
        #expect(store.counters.errors == 10)
    }
}
