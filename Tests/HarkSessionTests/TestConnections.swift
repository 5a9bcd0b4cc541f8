import HarkCore
import HarkModel

@testable import HarkSession

/// Connections to hand a dispatcher or a worker directly, without reassembly: client 10.1.x.x:40000
/// (x from the id) to 10.0.0.1:80.
enum TestConnections {
    private static let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 80)

    /// Connection `id`, opened at time 0 with packet `id`.
    static func info(_ id: Int) -> TCPConnectionInfo {
        let client = Endpoint(address: IPAddress(ipv4: 0x0A01_0000 | UInt32(id)), port: 40_000)
        return TCPConnectionInfo(id: id, client: client, server: server, roleSource: .handshake, firstTimestamp: Timestamp(nanoseconds: 0), firstPacketNumber: id)
    }

    /// The connection's end at the end of the capture, at time 1.
    static func summary(_ info: TCPConnectionInfo) -> TCPConnectionSummary {
        TCPConnectionSummary(
            info: info, lastTimestamp: Timestamp(nanoseconds: 1), clientToServer: DirectionStatistics(),
            serverToClient: DirectionStatistics(), handshakeRoundTrip: nil, synRetransmissions: 0,
            clientEnd: .endOfCapture, serverEnd: .endOfCapture, resetBy: nil
        )
    }
}
