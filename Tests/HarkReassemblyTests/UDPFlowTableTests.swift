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
}
