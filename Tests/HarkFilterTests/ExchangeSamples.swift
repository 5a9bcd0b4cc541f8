import HarkCore
import HarkModel

/// Hand-built exchanges for matching tests.
enum ExchangeSamples {
    static let client = Endpoint(address: IPAddress(ipv4: 0x0a00_0007), port: 51_000)  // 10.0.0.7
    static let server = Endpoint(address: IPAddress(ipv4: 0x5db8_d822), port: 80)  // 93.184.216.34

    /// An exchange with the given parts; times are relative to 0 so `latency` is the whole duration.
    static func exchange(
        method: String = "GET",
        target: String = "/api/v1/users?page=2",
        authority: String? = "www.Example.com:8080",
        scheme: String = "http",
        requestHeaders: HTTPFields = ["Host": "www.Example.com:8080", "Authorization": "Bearer abc"],
        requestBodyLength: Int = 0,
        status: Int? = 404,
        responseHeaders: HTTPFields = ["Content-Type": "application/json; charset=utf-8", "Server": "nginx/1.25"],
        responseBodyLength: Int = 1_500,
        latency: TimeSpan = .milliseconds(250),
        client: Endpoint = client,
        server: Endpoint = server,
        connectionID: Int = 3,
        applicationProtocol: ApplicationProtocol = .http1,
        streamID: Int? = nil
    ) -> Exchange {
        let start = Timestamp(nanoseconds: 1_000_000_000)
        let request = HTTPRequestRecord(
            method: HTTPMethod(rawValue: method),
            target: target,
            scheme: scheme,
            authority: authority,
            version: "HTTP/1.1",
            headers: requestHeaders,
            headSize: 100,
            body: HTTPMessageBody(length: requestBodyLength),
            firstByte: start,
            lastByte: start
        )
        let response = status.map {
            HTTPResponseRecord(
                status: HTTPStatusCode(rawValue: $0),
                reason: "",
                version: "HTTP/1.1",
                headers: responseHeaders,
                headSize: 100,
                body: HTTPMessageBody(length: responseBodyLength),
                firstByte: start,
                lastByte: start.advanced(by: latency)
            )
        }
        return Exchange(
            id: 0,
            connection: ConnectionContext(id: connectionID, client: client, server: server),
            applicationProtocol: applicationProtocol,
            streamID: streamID,
            indexOnConnection: 0,
            request: request,
            response: response
        )
    }
}
