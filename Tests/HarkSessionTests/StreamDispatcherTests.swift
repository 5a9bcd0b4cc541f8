import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// What the session reports per connection, on real captures.
struct StreamDispatcherTests {
    @Test func positionsFollowTheConnectionIncludingUnpairedResponses() throws {
        // The seventh answer on this connection has no captured request (it was lost in a gap).
        let (recorder, _) = try runSession(Fixtures.corpus("tcp-drops-zero-length-bodies.pcap").path)
        let exchanges = recorder.exchanges.sorted { $0.id < $1.id }
        #expect(exchanges.map(\.indexOnConnection) == Array(0..<exchanges.count))
        let unpaired = exchanges.filter { $0.request.isPlaceholder }.map(\.indexOnConnection)
        #expect(unpaired == [6])
    }

    @Test func tunnelledExchangesComeAfterTheirConnect() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("http1-connect-proxy.pcap").path)
        let exchanges = recorder.exchanges.sorted { $0.indexOnConnection < $1.indexOnConnection }
        #expect(exchanges.map(\.indexOnConnection) == [0, 1])
        #expect(exchanges.map(\.request.method) == [.connect, .get])
        #expect(exchanges.map(\.connection.id) == [0, 0])
    }
}
