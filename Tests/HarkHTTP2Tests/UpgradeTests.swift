import Foundation
import HarkCapture
import HarkCore
import HarkHTTP1
import HarkHTTP2
import HarkModel
import HarkPacket
import HarkReassembly
import HarkTestSupport
import NIOCore
import Testing

/// HTTP/1 first; after `101 Switching Protocols` to h2c, the tunnel bytes go to an `HTTP2Analyzer`
/// that knows the upgrade request as stream 1's.
private struct UpgradeFeeder: TCPStreamHandler {
    var http1: [Int: HTTP1Analyzer] = [:]
    var http2: [Int: HTTP2Analyzer] = [:]
    var requests: [Int: [Int: HTTP1Request]] = [:]
    var connections: [Int] = []
    var exchanges: [Int: [HTTP2Exchange]] = [:]

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connections.append(connection.id)
        http1[connection.id] = HTTP1Analyzer()
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        var events: [HTTP1Event] = []
        http1[connection]?.receive(bytes, from: direction, at: time) { events.append($0) }
        handle(events, connection)
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        var events: [HTTP1Event] = []
        http1[connection]?.finish(direction, at: time) { events.append($0) }
        handle(events, connection)
    }

    private mutating func handle(_ events: [HTTP1Event], _ connection: Int) {
        for event in events {
            switch event {
            case .exchange(let exchange):
                requests[connection, default: [:]][exchange.index] = exchange.request
            case .tunnelOpened(let tunnel):
                guard case .upgrade(protocol: "h2c") = tunnel.kind, let index = tunnel.exchangeIndex,
                    let request = requests[connection]?[index]
                else { continue }
                http2[connection] = HTTP2Analyzer(upgradedFrom: .upgrade(
                    method: request.method, target: request.target, headers: request.headers,
                    firstByteTime: request.span.firstByteTime, lastByteTime: request.span.lastByteTime))
            case .tunnelData(let direction, let bytes, let time):
                var found: [HTTP2Event] = []
                http2[connection]?.receive(bytes, from: direction, at: time) { found.append($0) }
                record(found, connection)
            case .tunnelClosed(let direction, let time):
                var found: [HTTP2Event] = []
                http2[connection]?.finish(direction, at: time) { found.append($0) }
                record(found, connection)
            default:
                break
            }
        }
    }

    private mutating func record(_ events: [HTTP2Event], _ connection: Int) {
        for case .exchange(let exchange) in events { exchanges[connection, default: []].append(exchange) }
    }
}

@Test func h2cUpgradeCapturePairsStreamOneWithTheUpgradeRequest() throws {
    let reader = try CaptureReader(path: Fixtures.corpus("h2c-upgrade-range-206.pcap").path)
    var decoder = PacketDecoder()
    var reassembler = TCPReassembler()
    var feeder = UpgradeFeeder()
    while let record = reader.next() {
        guard case .frame(let frame) = record,
            case .tcp(let segment) = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
        else { continue }
        reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &feeder)
    }
    reassembler.finish(handler: &feeder)
    // tshark: tcp.streams 0, 2 and 4 upgrade to h2c; each answers GET /eicar with 206 on stream 1.
    let upgraded = [0, 2, 4].map { feeder.connections[$0] }
    #expect(Set(feeder.exchanges.keys) == Set(upgraded))
    for connection in upgraded {
        let exchanges = feeder.exchanges[connection] ?? []
        #expect(exchanges.count == 1)
        let exchange = try #require(exchanges.first)
        #expect(exchange.streamID == 1)
        #expect(exchange.request?.method == .get && exchange.request?.path == "/eicar")
        #expect(exchange.request?.authority == "127.0.0.1:8080")
        #expect(exchange.response?.status == .partialContent)
        #expect(exchange.response?.headers.first("content-type") == "text/plain; charset=utf-8")
        let declared = exchange.response?.headers.first("content-length").flatMap { Int($0) }
        #expect(declared != nil && exchange.response?.body.length == declared)
        #expect(exchange.request?.headers.first("range")?.hasPrefix("bytes=") == true)
    }
}
