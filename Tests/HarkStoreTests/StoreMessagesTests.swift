import HarkCore
import HarkFilter
import HarkModel
import HarkStore
import NIOCore
import Testing

/// WebSocket messages in the store: kept on their connection, in order, within the bounds.
struct StoreMessagesTests {
    @Test func messagesAreKeptOnTheirConnectionInOrder() throws {
        let store = try storeRun("websocket-basic-text.pcap")
        let row = try #require(store.exchanges()[0])
        #expect(row.protocolLabel == "ws")
        let entry = try #require(store.connection(id: row.connectionID))
        // The oracle (websocket-basic-text.oracle-ws.tsv) has 17 unfragmented text frames.
        #expect(entry.messages.count == 17)
        #expect(entry.messages.map(\.firstByte) == entry.messages.map(\.firstByte).sorted())
        #expect(entry.messages.allSatisfy { $0.isText && $0.exchangeID == row.id && $0.problem == nil })
        #expect(entry.messages.allSatisfy { $0.payload.readableBytes == $0.length }, "small payloads are kept whole")
        #expect(entry.omittedMessages == 0)
        #expect(store.counters.omittedMessages == 0)
    }

    @Test func boundsCutPayloadsAndCountTheRest() throws {
        var configuration = StoreConfiguration()
        configuration.limits.maxMessageBytes = 4
        configuration.limits.maxMessagesPerConnection = 5
        let store = try storeRun("websocket-basic-text.pcap", configuration: configuration)
        let entry = try #require(store.exchanges()[0].flatMap { store.connection(id: $0.connectionID) })
        #expect(entry.messages.count == 5)
        #expect(entry.omittedMessages == 12)
        #expect(store.counters.omittedMessages == 12)
        #expect(entry.messages.allSatisfy { $0.payload.readableBytes == min(4, $0.length) })
        #expect(entry.messages.contains { $0.length > 4 })
    }

    @Test func webSocketFiltersRunOnRows() throws {
        for expression in ["proto=ws", "header.upgrade=websocket", "status=101", "not proto=ws", "url~^http://"] {
            let filter = try Filter(expression)
            let expected = try collectorRun("websocket-basic-text.pcap").exchanges.filter { filter.matches($0) }.map(\.id)
            let store = try storeRun("websocket-basic-text.pcap")
            #expect(store.exchanges().matching(filter, in: store) == expected, "\(expression)")
        }
    }
}
