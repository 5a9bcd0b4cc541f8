import Foundation
import HarkCapture
import HarkCore
import HarkFilter
import HarkModel
import HarkSession
import HarkStore
import HarkTestSupport
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

    /// WebSocket over HTTP/2 (the Hypercorn recording): each connection keeps the messages of both its
    /// WebSocket streams, each naming its stream and its own CONNECT, which the list labels `ws`.
    @Test func webSocketsOverHTTP2KeepTheirStreamAndCONNECT() throws {
        let store = LiveStore(configuration: StoreConfiguration())
        var observer = StoreObserver(store: store)
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [Fixtures.recorded("h2-websocket-hypercorn.keys").path]
        let reader = try CaptureReader(path: Fixtures.recorded("h2-websocket-hypercorn.pcap").path)
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &observer)
        store.finish()
        let list = store.exchanges()
        let rows = (0..<list.count).compactMap { list[$0] }
        #expect(rows.count == 10)
        let connects = rows.filter { $0.protocolLabel == "ws" }
        #expect(connects.map(\.streamID) == [3, 5, 3, 5])
        #expect(rows.filter { $0.protocolLabel == "h2" }.count == 6)
        for connection in Set(rows.map(\.connectionID)) {
            let entry = try #require(store.connection(id: connection))
            #expect(entry.messages.count == 31)
            for mark in entry.messages {
                let opener = try #require(connects.first { $0.id == mark.exchangeID })
                #expect(opener.connectionID == connection)
                #expect(mark.streamID.map(Int.init) == opener.streamID)
            }
        }
        for expression in ["proto=ws", "header.upgrade=websocket", "not proto=ws", "stream=5"] {
            let filter = try Filter(expression)
            var collector = Collector()
            _ = CaptureSession(reader: try CaptureReader(path: Fixtures.recorded("h2-websocket-hypercorn.pcap").path), configuration: configuration)
                .run(observer: &collector)
            let expected = collector.exchanges.filter { filter.matches($0) }.map(\.id)
            #expect(list.matching(filter, in: store) == expected, "\(expression)")
        }
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
