import HarkCore
import HarkModel
import HarkPacket
import HarkReassembly
import NIOCore
import Testing

@Suite struct UDPFlowTableTests {
    static let client = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 50_000)
    static let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 443)

    static func datagram(from source: Endpoint, to destination: Endpoint, bytes: Int = 10) -> UDPDatagram {
        UDPDatagram(source: source, destination: destination, payload: ByteBuffer(repeating: 0, count: bytes))
    }

    static func at(_ seconds: Int64) -> Timestamp { Timestamp(nanoseconds: seconds * 1_000_000_000) }

    @Test func bothDirectionsShareAFlowWhoseClientSentFirst() {
        var table = UDPFlowTable()
        let first = table.track(Self.datagram(from: Self.client, to: Self.server), at: Self.at(0), packetNumber: 1)
        let reply = table.track(Self.datagram(from: Self.server, to: Self.client, bytes: 30), at: Self.at(1), packetNumber: 2)
        #expect(first.flow.id == reply.flow.id)
        #expect(first.direction == .clientToServer)
        #expect(reply.direction == .serverToClient)
        #expect(reply.flow.client == Self.client)
        #expect(reply.flow.serverToClient.payloadBytes == 30)
        #expect(reply.flow.clientToServer.packets == 1)
        #expect(table.count == 1)
    }

    @Test func anIdleFlowEndsAndItsTupleStartsANewOne() {
        var limits = UDPFlowLimits()
        limits.idleTimeout = .seconds(10)
        var table = UDPFlowTable(limits: limits)
        _ = table.track(Self.datagram(from: Self.client, to: Self.server), at: Self.at(0), packetNumber: 1)
        let later = table.track(Self.datagram(from: Self.client, to: Self.server), at: Self.at(30), packetNumber: 2)
        #expect(later.flow.id == 1)
        #expect(table.takeEnded().map(\.id) == [0])
        table.expire(now: Self.at(100))
        #expect(table.takeEnded().map(\.id) == [1])
        #expect(table.count == 0)
    }

    @Test func theTableStaysWithinItsBudget() {
        var limits = UDPFlowLimits()
        limits.maxTrackedFlows = 50
        var table = UDPFlowTable(limits: limits)
        for port in 0..<1_000 {
            let source = Endpoint(address: Self.client.address, port: UInt16(port))
            _ = table.track(Self.datagram(from: source, to: Self.server), at: Self.at(Int64(port) / 100), packetNumber: port + 1)
            #expect(table.count <= 50)
        }
        #expect(table.evictedFlowCount >= 950)
        #expect(table.finish().count == 1_000)
    }
    /// The table remembers the previous datagram's flow; that must never count a datagram on a flow that
    /// is no longer in the table, or on another one, whatever came and went in between.
    @Test func flowsAreCountedRightWhenTheyComeAndGoBetweenDatagrams() {
        var limits = UDPFlowLimits()
        limits.idleTimeout = .seconds(10)
        limits.maxTrackedFlows = 3
        var table = UDPFlowTable(limits: limits)
        func port(_ number: UInt16) -> Endpoint { Endpoint(address: Self.client.address, port: number) }
        // Same flow twice (found without a lookup), then another, then back.
        #expect(table.track(Self.datagram(from: port(1), to: Self.server), at: Self.at(0), packetNumber: 1).flow.id == 0)
        #expect(table.track(Self.datagram(from: Self.server, to: port(1)), at: Self.at(0), packetNumber: 2).flow.serverToClient.packets == 1)
        #expect(table.track(Self.datagram(from: port(2), to: Self.server), at: Self.at(1), packetNumber: 3).flow.id == 1)
        let back = table.track(Self.datagram(from: port(1), to: Self.server), at: Self.at(2), packetNumber: 4)
        #expect(back.flow.id == 0)
        #expect(back.flow.clientToServer.packets == 2)
        // New flows past the budget evict the least recently active while the last one is remembered.
        #expect(table.track(Self.datagram(from: port(3), to: Self.server), at: Self.at(2), packetNumber: 5).flow.id == 2)
        #expect(table.track(Self.datagram(from: port(4), to: Self.server), at: Self.at(2), packetNumber: 6).flow.id == 3)
        #expect(table.takeEnded().map(\.id) == [1])
        let again = table.track(Self.datagram(from: port(4), to: Self.server), at: Self.at(2), packetNumber: 7)
        #expect(again.flow.id == 3)
        #expect(again.flow.clientToServer.packets == 2)
        // The remembered flow goes idle (ended by the sweep before the lookup) and its 4-tuple starts a new flow.
        let idle = table.track(Self.datagram(from: port(4), to: Self.server), at: Self.at(30), packetNumber: 8)
        #expect(idle.flow.id == 4)
        #expect(idle.flow.clientToServer.packets == 1)
        #expect(table.track(Self.datagram(from: Self.server, to: port(4)), at: Self.at(30), packetNumber: 9).flow.id == 4)
        #expect(table.takeEnded().map(\.id).sorted() == [0, 2, 3])
        #expect(table.count == 1)
    }
}
