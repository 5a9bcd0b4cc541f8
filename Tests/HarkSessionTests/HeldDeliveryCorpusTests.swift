import Foundation
import HarkCore
import HarkModel
import HarkTestSupport
import Testing

/// Bytes that reassembly held behind a hole keep the times of their own packets, and the exchange
/// they make says it came out late (issue 15, item 1).
struct HeldDeliveryCorpusTests {
    /// `tcp-drops-zero-length-bodies.pcap`: the request of packet 19 (18:38:49.154562) follows 1,274
    /// lost client bytes and its response (packet 20, 18:38:49.272810) 542 lost server bytes; hark gives
    /// up on both holes at packet 22 (18:38:58.462071), and used to show the exchange then, 0 µs long.
    @Test func exchangeAfterAHoleKeepsItsOwnPacketTimes() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("tcp-drops-zero-length-bodies.pcap").path)
        let exchange = try #require(recorder.exchanges.first { $0.request.target.contains("ct=300") })
        #expect(exchange.request.firstByte == Timestamp(nanoseconds: 1_300_991_929_154_562_000))
        let response = try #require(exchange.response)
        #expect(response.firstByte == Timestamp(nanoseconds: 1_300_991_929_272_810_000))
        #expect(exchange.duration == TimeSpan(nanoseconds: 118_248_000))
        #expect(!exchange.isComplete)
        #expect(exchange.problems.contains { $0.hasPrefix("request delivered late: held 9.308 s behind 1274 missing client→server bytes") })
        #expect(exchange.problems.contains { $0.hasPrefix("response delivered late: held 9.189 s behind 542 missing server→client bytes") })
        #expect(exchange.problems.allSatisfy { $0.contains("until packet 22") })
        // Exchanges whose bytes came in order say nothing of the kind.
        let others = recorder.exchanges.filter { !$0.request.target.contains("ct=300") }
        #expect(others.count == 7)
        #expect(others.allSatisfy { exchange in !exchange.problems.contains { $0.contains("delivered late") } })
    }
}

/// Every retransmission the summary counts is also an event in `trace --tcp` (issue 15, item 2).
struct RetransmissionEventCorpusTests {
    @Test(arguments: Fixtures.corpusCaptures)
    func everyCountedRetransmissionIsAnEvent(capture: String) throws {
        let (recorder, _) = try runSession(Fixtures.corpus(capture).path, configuration: corpusConfiguration(Fixtures.corpus(capture)))
        var events: [Int: Int] = [:]
        for event in recorder.events {
            if case .retransmission = event.kind { events[event.connectionID, default: 0] += 1 }
        }
        for record in recorder.connections {
            let summary = record.summary
            let counted = summary.clientToServer.retransmissions + summary.serverToClient.retransmissions
            #expect(events[summary.info.id, default: 0] == counted, "connection \(summary.info.id)")
        }
    }

    /// `tcp-retx-cab-multi-conn.pcap` repeats data after a FIN (tshark: 5 data segments after their
    /// direction's FIN): those retransmissions used to be counted without an event.
    @Test func retransmissionAfterFinIsAnEvent() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("tcp-retx-cab-multi-conn.pcap").path)
        var finished = Set<String>()
        var afterFin = 0
        for event in recorder.events {
            let key = "\(event.connectionID) \(event.direction)"
            switch event.kind {
            case .fin: finished.insert(key)
            case .retransmission: if finished.contains(key) { afterFin += 1 }
            default: break
            }
        }
        #expect(afterFin > 0)
    }
}
