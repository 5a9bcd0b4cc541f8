import NIOCore
import NIOHTTP1
import NIOPosix

/// What a Collector answered.
struct OTLPHTTPResponse: Sendable {
    /// The status code.
    var status: Int
    /// `Retry-After` in seconds, when given as a number (RFC 9110 §10.2.3; a date is ignored).
    var retryAfterSeconds: Int?
}

/// One keep-alive HTTP/1.1 connection to the Collector, opened on first use and again after it closes.
/// Every method runs on `eventLoop`, one request at a time.
final class OTLPHTTPClient: @unchecked Sendable {
    let eventLoop: any EventLoop
    private let endpoint: OTLPEndpoint
    private let headers: [(String, String)]
    private let requestTimeout: TimeAmount
    private var channel: (any Channel)?
    private var handler: ResponseHandler?

    init(eventLoop: any EventLoop, endpoint: OTLPEndpoint, headers: [(String, String)], requestTimeout: TimeAmount) {
        self.eventLoop = eventLoop
        self.endpoint = endpoint
        self.headers = headers
        self.requestTimeout = requestTimeout
    }

    /// POSTs a gzip-compressed protobuf body to `path` (after the endpoint's base path); fails on a
    /// connection error or after `requestTimeout`, closing the connection.
    func post(path: String, gzippedBody: [UInt8]) -> EventLoopFuture<OTLPHTTPResponse> {
        eventLoop.preconditionInEventLoop()
        return connected().flatMap { channel, handler in
            let promise = self.eventLoop.makePromise(of: OTLPHTTPResponse.self)
            handler.pending = promise
            let timeout = self.eventLoop.scheduleTask(in: self.requestTimeout) {
                promise.fail(OTLPTransportError("no answer within \(self.requestTimeout.nanoseconds / 1_000_000) ms"))
                channel.close(promise: nil)
            }
            var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: self.endpoint.basePath + path)
            head.headers.add(name: "Host", value: self.endpoint.authority)
            head.headers.add(name: "Content-Type", value: "application/x-protobuf")
            head.headers.add(name: "Content-Encoding", value: "gzip")
            head.headers.add(name: "Content-Length", value: String(gzippedBody.count))
            head.headers.add(name: "User-Agent", value: "hark")
            for (name, value) in self.headers { head.headers.add(name: name, value: value) }
            channel.write(HTTPClientRequestPart.head(head), promise: nil)
            channel.write(HTTPClientRequestPart.body(.byteBuffer(ByteBuffer(bytes: gzippedBody))), promise: nil)
            channel.writeAndFlush(HTTPClientRequestPart.end(nil)).whenFailure { promise.fail($0) }
            return promise.futureResult.always { _ in timeout.cancel() }
        }
    }

    /// Closes the connection, if open.
    func close() {
        eventLoop.preconditionInEventLoop()
        channel?.close(promise: nil)
        channel = nil
        handler = nil
    }

    private func connected() -> EventLoopFuture<(any Channel, ResponseHandler)> {
        if let channel, let handler, channel.isActive {
            return eventLoop.makeSucceededFuture((channel, handler))
        }
        let handler = ResponseHandler()
        return ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .map { channel in
                self.channel = channel
                self.handler = handler
                return (channel, handler)
            }
    }
}

/// A failure to get an answer (refused, reset, timed out).
struct OTLPTransportError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Completes the pending request's promise with the response's status once the response has ended.
private final class ResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPClientResponsePart

    var pending: EventLoopPromise<OTLPHTTPResponse>?
    private var response: OTLPHTTPResponse?
    private var closesAfter = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            let retryAfter = head.headers.first(name: "retry-after").flatMap { Int($0.trimmingCharacters(in: " \t")) }
            response = OTLPHTTPResponse(status: Int(head.status.code), retryAfterSeconds: retryAfter.map { max(0, $0) })
            closesAfter = !head.isKeepAlive
        case .body:
            break  // an ExportTraceServiceResponse (partial success) or an error Status: only counted as the status says
        case .end:
            // Cleared before completing: the completion may send the next request at once, setting `pending`.
            let finished = (pending, response)
            pending = nil
            response = nil
            if closesAfter { context.close(promise: nil) }
            if let response = finished.1 { finished.0?.succeed(response) }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let waiting = pending
        pending = nil
        waiting?.fail(OTLPTransportError("the Collector closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let waiting = pending
        pending = nil
        waiting?.fail(error)
        context.close(promise: nil)
    }
}

extension String {
    /// Without leading and trailing characters in `set`.
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        let start = firstIndex { !set.contains($0) } ?? endIndex
        let end = lastIndex { !set.contains($0) }.map(index(after:)) ?? start
        return self[start..<end]
    }
}
