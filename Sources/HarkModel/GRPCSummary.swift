/// What a gRPC call carried, for outputs: the method called, how many messages went each way, and
/// the status from the trailers.
public struct GRPCSummary: Hashable, Sendable {
    /// The service, from the path (`/package.Service/Method`).
    public var service: String?
    /// The method, from the path.
    public var method: String?
    /// `grpc-status`, when the trailers (or a trailers-only response) were captured.
    public var status: Int?
    /// `grpc-message`.
    public var statusMessage: String?
    /// Length-prefixed messages sent by the client and by the server.
    public var requestMessages: Int
    public var responseMessages: Int

    public init(service: String?, method: String?, status: Int?, statusMessage: String?, requestMessages: Int, responseMessages: Int) {
        self.service = service
        self.method = method
        self.status = status
        self.statusMessage = statusMessage
        self.requestMessages = requestMessages
        self.responseMessages = responseMessages
    }
}
