import HarkCore
import HarkModel
@testable import HarkReassembly
import Testing

/// The slot table behind the reassembler: keys find their connection, freed slots are reused, and the
/// cached last lookup never outlives its connection.
struct ConnectionTableTests {
    private let client = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 50_000)
    private let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 80)

    private func key(_ port: UInt16) -> ConnectionKey {
        ConnectionKey(source: Endpoint(address: client.address, port: port), destination: server)
    }

    private func state(_ id: Int) -> TCPConnectionState {
        let info = TCPConnectionInfo(
            id: id, client: client, server: server, roleSource: .handshake,
            firstTimestamp: Timestamp(nanoseconds: 0), firstPacketNumber: 1
        )
        return TCPConnectionState(info: info)
    }

    @Test func keysFindTheirConnectionInEitherDirection() {
        var table = ConnectionTable()
        let first = table.insert(state(0), for: key(1))
        let second = table.insert(state(1), for: key(2))
        #expect(table.count == 2)
        #expect(table.slot(of: key(1)) == first)
        #expect(table.slot(of: ConnectionKey(source: server, destination: Endpoint(address: client.address, port: 2))) == second)
        #expect(table.states[second].info.id == 1)
        #expect(table.slot(of: key(3)) == nil)
    }

    @Test func aRemovedConnectionIsGoneAndItsSlotIsReused() {
        var table = ConnectionTable()
        let first = table.insert(state(0), for: key(1))
        _ = table.insert(state(1), for: key(2))
        #expect(table.slot(of: key(1)) == first)  // now the cached lookup
        #expect(table.remove(key(1))?.info.id == 0)
        #expect(table.slot(of: key(1)) == nil, "the cache must not keep a removed connection")
        #expect(table.remove(key(1)) == nil)
        let third = table.insert(state(2), for: key(3))
        #expect(third == first)
        #expect(table.states[third].info.id == 2)
        #expect(table.count == 2)
        #expect(Set(table.keys { _ in true }) == [key(2), key(3)])
        #expect(table.keys { $0.info.id == 2 } == [key(3)])
    }
}
