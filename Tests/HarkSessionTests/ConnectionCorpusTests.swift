import HarkModel
import Foundation
import HarkCore
import HarkReassembly
import HarkSession
import HarkTestSupport
import Testing

/// `hark connections` against tshark's `tcp.stream` on every corpus capture.
struct ConnectionCorpusTests {
    @Test(arguments: Fixtures.corpusCaptures)
    func connectionsAgreeWithTshark(capture: String) throws {
        let url = Fixtures.corpus(capture)
        let oracle = try OracleTable(contentsOf: OracleTable.beside(url, kind: "oracle-tcp"))
        let (recorder, _) = try runSession(url.path)
        let connections = recorder.connectionsByID
        #expect(connections.count == oracle.rows.count, "connection count, tshark: \(oracle.rows.count)")

        for (record, row) in zip(connections, oracle.rows) {
            let summary = record.summary
            let packets = summary.clientToServer.packets + summary.serverToClient.packets
            #expect(String(summary.info.id) == row["tcp.stream"])
            #expect(String(packets) == row["packets"], "packets of stream \(summary.info.id)")
            #expect(String(summary.info.firstPacketNumber) == row["first_frame"], "first frame of stream \(summary.info.id)")
            let endpoints = Set([summary.info.client.description, summary.info.server.description])
            let tsharkEndpoints = Set([row["first_source"] ?? "", row["first_destination"] ?? ""])
            #expect(endpoints == tsharkEndpoints, "endpoints of stream \(summary.info.id)")
        }
    }

    @Test func lossIsReportedAsGapsWhereTsharkSeesLostSegments() throws {
        // tshark -Y tcp.analysis.lost_segment counts: bro.org 1, gaps-null-loopback 1, drops 3,
        // 1000-requests 1, unidirectional 1. hark reports one gap per lost segment. The unidirectional
        // capture also has 12,444 server bytes the client acknowledged (tshark: "ACKed unseen segment"),
        // reported as 2 more gaps as the ACKs advance.
        let expectations = [
            "http1-browse-bro-org.pcap": 1,
            "tcp-gaps-null-loopback.pcap": 1,
            "tcp-drops-zero-length-bodies.pcap": 3,
            "tcp-1000-requests-one-dropped-response.pcap": 1,
            "tcp-unidirectional-missing-packet.pcap": 1 + 2,
        ]
        for (capture, lost) in expectations {
            let (recorder, _) = try runSession(Fixtures.corpus(capture).path)
            let gaps = recorder.connections.reduce(0) { $0 + $1.summary.clientToServer.gaps + $1.summary.serverToClient.gaps }
            #expect(gaps == lost, "\(capture)")
        }
    }

    @Test func retransmissionsOnALossyDownload() throws {
        // tshark flags 56 retransmissions and 52 "out-of-order" segments in this capture; all 108 resend
        // bytes hark already had (tshark calls a resend that comes within an RTT "out-of-order"), and none
        // fills a hole, so hark counts 108 retransmissions and no out-of-order segment, with no gap.
        let (recorder, _) = try runSession(Fixtures.corpus("tcp-ooo-retx-range-206.pcap").path)
        let download = try #require(recorder.connectionsByID.first?.summary)
        #expect(download.serverToClient.retransmissions == 108)
        #expect(download.serverToClient.outOfOrder == 0)
        #expect(download.serverToClient.gaps == 0)
        #expect(download.serverToClient.deliveredBytes + 148_930 == download.serverToClient.payloadBytes)
        // tshark -Y tcp.analysis.duplicate_ack: 64. The client's 57 repeated zero windows are the
        // receiver still being full, not duplicate ACKs (tshark requires a non-zero window too).
        #expect(download.clientToServer.duplicateAcks == 64)
    }

    @Test func rolesFromHandshakeOrPorts() throws {
        let (midstream, _) = try runSession(Fixtures.corpus("tcp-midstream-no-syn.pcap").path)
        let info = try #require(midstream.connections.first?.summary.info)
        #expect(info.roleSource == .portHeuristic)
        #expect(info.server.port == 80)

        let (wrapped, _) = try runSession(Fixtures.corpus("tcp-seq-wraparound-post.pcap").path)
        let summary = try #require(wrapped.connections.first?.summary)
        #expect(summary.info.roleSource == .handshake)
        #expect(summary.handshakeRoundTrip != nil)
        #expect(summary.clientToServer.gaps == 0, "sequence wraparound is not loss")
    }

    @Test func oneBogusTimestampDoesNotSplitAConnection() throws {
        // Frame 2 of this file claims to be from 2061 while its neighbours are from 2015.
        let (recorder, _) = try runSession(Fixtures.corpus("link-pcapng-multi-interface-eth-sll.pcapng").path)
        let first = try #require(recorder.connectionsByID.first?.summary)
        #expect(first.clientToServer.packets + first.serverToClient.packets == 59)
    }

    @Test func protocolsAreRecognisedByContent() throws {
        let (h2, _) = try runSession(Fixtures.corpus("h2c-prior-knowledge-on-port-443.pcap").path)
        #expect(h2.connections.map(\.applicationProtocol) == [.http2], "HTTP/2 on port 443 is not TLS")
        let (tls, _) = try runSession(Fixtures.corpus("tls12-http1-heise-keylog.pcap").path)
        #expect(tls.connections.map(\.applicationProtocol) == [.tls])
        let (http, _) = try runSession(Fixtures.corpus("websocket-jupyter.pcap").path)
        #expect(http.connections.map(\.applicationProtocol) == [.webSocket], "HTTP on port 40492, upgraded to WebSocket")
    }

    /// A connection that carried no payload either way is `none`, as the README's protocol table says
    /// (issue 15, item 4): bro.org's connections 8–10 open and close without a byte (tshark: 0 bytes of
    /// `tcp.len`); connection 0 carried HTTP. The wikipedia capture's connection 9 is one SYN-ACK.
    @Test func connectionsWithoutPayloadAreNone() throws {
        let (bro, _) = try runSession(Fixtures.corpus("http1-browse-bro-org.pcap").path)
        let protocols = Dictionary(uniqueKeysWithValues: bro.connections.map { ($0.summary.info.id, $0.applicationProtocol) })
        #expect([8, 9, 10].map { protocols[$0] } == Array(repeating: ApplicationProtocol.none, count: 3))
        #expect(protocols[0] == .http1)
        let (wikipedia, _) = try runSession(Fixtures.corpus("http1-browse-wikipedia-304.pcap").path)
        #expect(wikipedia.connections.first { $0.summary.info.id == 9 }?.applicationProtocol == ApplicationProtocol.none)
        // Bytes that were sent but lost are payload all the same: not `none`.
        for record in bro.connections + wikipedia.connections where record.applicationProtocol == .none {
            let summary = record.summary
            #expect(summary.clientToServer.payloadBytes + summary.serverToClient.payloadBytes == 0, "connection \(summary.info.id)")
        }
    }

    /// h2c upgrades name what they switched to, and the connection carries `h2` after them (issue 15,
    /// item 3): `h2c-upgrade-range-206.pcap` upgrades connections 0, 2 and 3; connection 1 stays HTTP/1.
    @Test func h2cUpgradesSayWhatTheySwitchedTo() throws {
        let (recorder, _) = try runSession(Fixtures.corpus("h2c-upgrade-range-206.pcap").path)
        let switched = recorder.exchanges.filter { $0.switchedTo == "h2c" }
        #expect(switched.count == 3)
        let upgraded = Set(switched.map(\.connection.id))
        for record in recorder.connections {
            let expected: ApplicationProtocol = upgraded.contains(record.summary.info.id) ? .http2 : .http1
            #expect(record.applicationProtocol == expected, "connection \(record.summary.info.id)")
        }
    }

    /// `hark connections` parses no messages: it must still report the same connections, protocols and
    /// TCP events as a full analysis, on every corpus capture.
    @Test(arguments: Fixtures.corpusCaptures)
    func detectionOnlyReportsTheSameConnections(capture: String) throws {
        let path = Fixtures.corpus(capture).path
        var configuration = SessionConfiguration()
        configuration.keepsBodies = false
        configuration.parsesMessages = false
        let (full, _) = try runSession(path)
        let (detected, statistics) = try runSession(path, configuration: configuration)
        #expect(detected.connectionsByID == full.connectionsByID)
        #expect(detected.events == full.events)
        #expect(detected.exchanges.isEmpty)
        #expect(statistics.exchanges == 0)
    }
}
