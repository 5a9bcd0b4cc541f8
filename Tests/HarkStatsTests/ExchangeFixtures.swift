import HarkCore
import HarkModel
@testable import HarkReassembly

/// Hand-built exchanges and connection summaries for aggregation tests.
enum ExchangeFixtures {
    static let client = Endpoint(address: IPAddress(ipv4: 0x0A00_0001), port: 50_000)
    static let server = Endpoint(address: IPAddress(ipv4: 0x0A00_0002), port: 80)

    /// A GET of `target` on `host` at second `start`, answered with `status` after `latencyMilliseconds`
    /// (no response when `status` is nil).
    static func exchange(
        host: String? = "example.com",
        method: HTTPMethod = .get,
        target: String = "/",
        status: Int?,
        latencyMilliseconds: Int64 = 10,
        start: Int64 = 1_000,
        requestBytes: Int = 0,
        responseBytes: Int = 0
    ) -> Exchange {
        let begin = Timestamp(nanoseconds: start * 1_000_000_000)
        let end = begin.advanced(by: .milliseconds(latencyMilliseconds))
        let request = HTTPRequestRecord(
            method: method,
            target: target,
            scheme: "http",
            authority: host,
            version: "HTTP/1.1",
            headers: HTTPFields(),
            headSize: 40,
            body: HTTPMessageBody(length: requestBytes),
            firstByte: begin,
            lastByte: begin
        )
        let response = status.map {
            HTTPResponseRecord(
                status: HTTPStatusCode(rawValue: $0),
                reason: "",
                version: "HTTP/1.1",
                headers: HTTPFields(),
                headSize: 40,
                body: HTTPMessageBody(length: responseBytes),
                firstByte: end,
                lastByte: end
            )
        }
        return Exchange(
            id: 0,
            connection: ConnectionContext(id: 0, client: client, server: server),
            applicationProtocol: .http1,
            indexOnConnection: 0,
            request: request,
            response: response
        )
    }

    /// A finished connection with the given server-side retransmissions, gaps and reset.
    static func connection(id: Int, retransmissions: Int = 0, gaps: Int = 0, gapBytes: Int64 = 0, resetBy: Direction? = nil)
        -> TCPConnectionSummary
    {
        var down = DirectionStatistics()
        down.retransmissions = retransmissions
        down.gaps = gaps
        down.gapBytes = gapBytes
        let info = TCPConnectionInfo(
            id: id,
            client: client,
            server: server,
            roleSource: .handshake,
            firstTimestamp: Timestamp(nanoseconds: 0),
            firstPacketNumber: 1
        )
        return TCPConnectionSummary(
            info: info,
            lastTimestamp: Timestamp(nanoseconds: 1_000_000_000),
            clientToServer: DirectionStatistics(),
            serverToClient: down,
            handshakeRoundTrip: nil,
            synRetransmissions: 0,
            clientEnd: resetBy == nil ? .fin : .reset,
            serverEnd: resetBy == nil ? .fin : .reset,
            resetBy: resetBy
        )
    }
}
