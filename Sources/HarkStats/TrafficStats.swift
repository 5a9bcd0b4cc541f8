import HarkCore
public import HarkModel

/// What a group of exchanges (one host, one endpoint) added up to.
public struct TrafficStats: Sendable {
    /// Exchanges counted.
    public private(set) var exchanges = 0
    /// Exchanges by the class of their final status.
    public private(set) var statuses = StatusCounts()
    /// Request start to response end, for exchanges with both a captured request and a response.
    public private(set) var latency = LatencyHistogram()
    /// Request body bytes (after transfer decoding, as captured).
    public private(set) var requestBodyBytes: Int64 = 0
    /// Response body bytes (after transfer decoding, as captured).
    public private(set) var responseBodyBytes: Int64 = 0
    /// gRPC calls whose final `grpc-status` was known.
    public private(set) var grpcCalls = 0
    /// gRPC calls that ended with a status other than OK (0), whatever their HTTP status.
    public private(set) var grpcErrors = 0

    /// Messages on connections an exchange of the group switched to a message protocol (WebSocket).
    public private(set) var messages = 0
    /// Payload bytes of those messages (after decompression, as captured).
    public private(set) var messageBytes: Int64 = 0

    /// Nothing counted yet.
    public init() {}

    /// Counts one exchange.
    public mutating func add(_ exchange: Exchange) {
        exchanges &+= 1
        statuses[StatusClass(exchange.response)] &+= 1
        requestBodyBytes &+= Int64(exchange.request.body.length)
        if let status = exchange.grpc?.status {
            grpcCalls &+= 1
            if status != 0 { grpcErrors &+= 1 }
        }
        if let response = exchange.response {
            responseBodyBytes &+= Int64(response.body.length)
            // A placeholder request (the capture began after it was sent) has no start to measure from.
            if !exchange.request.isPlaceholder {
                latency.record(exchange.duration)
            }
        }
    }

    /// Counts one message on a connection an exchange of the group upgraded.
    public mutating func add(_ message: ConnectionMessage) {
        messages &+= 1
        messageBytes &+= Int64(message.payload.length)
    }
}
