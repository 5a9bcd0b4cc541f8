import HarkCore
import HarkPacket
import HarkTestSupport
import NIOCore
import Testing

/// Real captures through the decoder, checked against tshark's view of them.
struct PacketDecoderCorpusTests {
    @Test func elevenIPv4FragmentsMakeOneGETSegment() throws {
        let capture = try #require(try TestPcapFile(corpus: "ipv4-fragmented-http-request.pcap"))
        #expect(capture.records.count == 11)
        var decoder = PacketDecoder()
        let results = capture.records.map {
            decoder.decode($0.data, linkType: capture.linkType, timestamp: $0.timestamp)
        }
        #expect(results.filter(\.isFragmentHeld).count == 10)
        let segments = results.compactMap(\.segment)
        #expect(segments.count == 1)
        let segment = try #require(segments.first)
        #expect(
            segment.payloadText.hasPrefix(
                "GET /convert_data.js?partner_id=29 HTTP/1.1\r\nHost: js.bizographics.com\r\n"
            )
        )
        // tshark: 172.16.133.54:64415 → 216.137.33.81:80, tcp.len 1460, raw sequence number 2290951306.
        #expect(segment.source == Endpoint(address: try #require(IPAddress("172.16.133.54")), port: 64415))
        #expect(segment.destination == Endpoint(address: try #require(IPAddress("216.137.33.81")), port: 80))
        #expect(segment.sequenceNumber == 2_290_951_306)
        #expect(segment.payload.readableBytes == 1460)
        #expect(segment.payloadLength == 1460)
        #expect(decoder.finish().isEmpty)
    }

    /// Per capture: link type, then tshark's counts of `tcp`, `udp` and `arp` frames (ICMP errors
    /// quoting a TCP header excluded); every other frame must be counted too, and none be malformed.
    @Test(arguments: [
        ("link-pppoe-qinq-http-rst.pcap", LinkType.ethernet, 10, 0, 0),
        ("link-vlan-http.pcap", .ethernet, 14, 0, 0),
        ("link-nanosec-bigendian-http.pcap", .ethernet, 10, 0, 0),
        ("link-sll-http.pcap", .linuxSLL, 483, 28, 7),
        ("link-sll2-http-download.pcap", .linuxSLL2, 159, 0, 0),
        ("link-rawip-ipv4-ipv6-http.pcap", .raw, 92, 8, 0),
        ("ipv6-rawip-four-http-streams.pcap", LinkType(rawValue: 12), 81, 0, 0),
        ("tcp-gaps-null-loopback.pcap", .null, 31, 0, 0),
        ("http1-browse-wikipedia-304.pcap", .ethernet, 78, 48, 6),
    ])
    func linkTypesDecodeLikeTshark(name: String, linkType: LinkType, tcp: Int, udp: Int, arp: Int) throws {
        let capture = try #require(try TestPcapFile(corpus: name))
        #expect(capture.linkType == linkType)
        var decoder = PacketDecoder()
        var counts: [String: Int] = [:]
        for record in capture.records {
            let result = decoder.decode(record.data, linkType: capture.linkType, timestamp: record.timestamp)
            #expect(result.error == nil, "\(name): \(result)")
            let kind = result.segment != nil ? "tcp" : result.datagram != nil ? "UDP" : result.traffic.map { "\($0)" } ?? "held"
            counts[kind, default: 0] += 1
        }
        #expect(counts["tcp", default: 0] == tcp)
        #expect(counts["UDP", default: 0] == udp)
        #expect(counts["ARP", default: 0] == arp)
        #expect(counts["held"] == nil)
    }
}
