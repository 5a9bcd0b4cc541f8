import Foundation
import HarkCore
import HarkFilter
import HarkModel
import HarkStore
import HarkTestSupport
import Testing

@Suite struct LiveStoreTests {
    /// Every exchange reads back from the journal as the session reported it: heads in wire order,
    /// bodies (raw and decoded), trailers, interim responses, gRPC messages, TLS.
    @Test(arguments: [
        ("http1-browse-bro-org.pcap", nil), ("http1-chunked-gzip-msn.pcap", nil), ("http1-100-continue-chunked.pcap", nil),
        ("h2c-upgrade-range-206.pcap", nil), ("tls12-http1-heise-keylog.pcap", "tls12-http1-heise-keylog.keys"),
    ] as [(String, String?)])
    func exchangesReadBackWhole(capture: String, keyLog: String?) throws {
        let expected = try collectorRun(capture, keyLog: keyLog).exchanges
        let store = try storeRun(capture, keyLog: keyLog)
        #expect(!expected.isEmpty)
        #expect(store.exchanges().count == expected.count)
        for original in expected {
            let stored = try #require(store.exchange(id: original.id))
            #expect(stored.request.method == original.request.method)
            #expect(stored.request.url(server: stored.connection.server) == original.request.url(server: original.connection.server))
            #expect(stored.request.headers == original.request.headers)
            #expect(stored.request.body.content.allBytes == original.request.body.content.allBytes)
            #expect(stored.response?.status == original.response?.status)
            #expect(stored.response?.headers == original.response?.headers)
            #expect(stored.response?.body.bytes.allBytes == original.response?.body.bytes.allBytes)
            #expect(stored.response?.body.decoded?.allBytes == original.response?.body.decoded?.allBytes)
            #expect(stored.response?.body.trailers == original.response?.body.trailers)
            #expect(stored.response?.body.length == original.response?.body.length)
            #expect(stored.interimResponses.map(\.status) == original.interimResponses.map(\.status))
            #expect(stored.problems == original.problems)
            #expect(stored.connection == original.connection)
            #expect(stored.grpc == original.grpc)
            #expect(stored.duration == original.duration)
        }
    }

    /// The row of each exchange says what the list shows.
    @Test func rowsSummariseExchanges() throws {
        let expected = try collectorRun("http1-browse-bro-org.pcap").exchanges
        let list = try storeRun("http1-browse-bro-org.pcap").exchanges()
        for original in expected {
            let row = try #require(list.position(of: original.id).flatMap { list[$0] })
            #expect(row.host == original.request.host(server: original.connection.server))
            #expect(row.url == original.request.url(server: original.connection.server))
            #expect(row.status == original.response?.status)
            #expect(row.responseBodySize == original.response?.body.length ?? 0)
            #expect(row.duration == original.duration)
            #expect(row.contentType == (original.response?.headers.first("content-type") ?? original.request.headers.first("content-type")))
        }
    }

    /// A WebSocket opened by an HTTP/2 extended CONNECT (RFC 8441) is listed with the URL of its path, as
    /// its exchange and HAR entry have it, not with the bare path an HTTP/1 CONNECT's host would take.
    @Test func extendedConnectRowsShowTheirURL() throws {
        let capture = Fixtures.recorded("h2-websocket-hypercorn.pcap")
        let keyLog = Fixtures.recorded("h2-websocket-hypercorn.keys")
        let expected = try collectorRun(capture: capture, keyLog: keyLog).exchanges
        let list = try storeRun(capture: capture, keyLog: keyLog).exchanges()
        #expect(list.count == expected.count)
        for original in expected {
            let row = try #require(list.position(of: original.id).flatMap { list[$0] })
            #expect(row.url == original.request.url(server: original.connection.server))
        }
        var chats: [String] = []
        list.forEach { row in if row.target == "/chat" { chats.append(row.url) } }
        #expect(chats == ["http://127.0.0.1:8441/chat", "https://127.0.0.1:8442/chat"])
    }

    /// Filtering the rows gives what filtering the exchanges gives, for every kind of field, header
    /// fields included (read back from the journal).
    @Test(arguments: [
        "status=200", "status>=300", "host=*.bro.org", "method=GET and path=/css/*", "content-type=text/css",
        "latency>100ms", "resp.size>10kB", "proto=http1", "proto=tls", "conn<3", "server=192.150.187.43",
        "resp.header.server~nginx", "header.accept exists", "not content-type~image",
    ])
    func filteringRowsMatchesFilteringExchanges(expression: String) throws {
        let filter = try Filter(expression)
        let expected = try collectorRun("http1-browse-bro-org.pcap").exchanges.filter { filter.matches($0) }.map(\.id)
        let store = try storeRun("http1-browse-bro-org.pcap")
        #expect(store.exchanges().matching(filter, in: store) == expected)
    }

    @Test func filteringGRPCAndHTTP2Rows() throws {
        for expression in ["proto=h2", "proto=grpc", "grpc.status=0", "grpc.method=*/Get*", "stream>1"] {
            let filter = try Filter(expression)
            let expected = try collectorRun("h2c-upgrade-range-206.pcap").exchanges.filter { filter.matches($0) }.map(\.id)
            let store = try storeRun("h2c-upgrade-range-206.pcap")
            #expect(store.exchanges().matching(filter, in: store) == expected, "\(expression)")
        }
    }

    /// At most `maxExchanges` are kept: the oldest go, are counted, and their details are gone.
    @Test func oldestExchangesAreEvicted() throws {
        var configuration = StoreConfiguration()
        configuration.limits.maxExchanges = 10
        configuration.limits.exchangesPerSegment = 4
        let total = try collectorRun("http1-browse-bro-org.pcap").exchanges.count
        let store = try storeRun("http1-browse-bro-org.pcap", configuration: configuration)
        let list = store.exchanges()
        #expect(list.count == 10)
        #expect(store.counters.exchanges == total)
        #expect(store.counters.evictedExchanges == total - 10)
        #expect(list[0]?.id == total - 10)
        #expect(store.exchange(id: 0) == nil)
        #expect(store.exchange(id: total - 10) != nil)
        #expect(store.exchange(id: total - 1) != nil)
    }

    @Test func sortingKeepsTiesInListOrder() throws {
        let store = try storeRun("http1-browse-bro-org.pcap")
        let list = store.exchanges()
        let all = list.matching(.all, in: store)
        let bySize = list.sorted(all, by: .size, ascending: false)
        let sizes = bySize.compactMap { list.position(of: $0).flatMap { list[$0] }?.responseBodySize }
        #expect(sizes == sizes.sorted(by: >))
        #expect(Set(bySize) == Set(all))
        let byHost = list.sorted(all, by: .host)
        let hosts = byHost.compactMap { list.position(of: $0).flatMap { list[$0] }?.host }
        #expect(hosts == hosts.sorted())
        for host in Set(hosts) {
            let ids = byHost.filter { list.position(of: $0).flatMap { list[$0] }?.host == host }
            #expect(ids == ids.sorted())
        }
    }
}
