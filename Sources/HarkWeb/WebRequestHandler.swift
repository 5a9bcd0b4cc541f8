import NIOCore
import NIOHTTP1
import NIOPosix

/// Answers one HTTP connection of the `hark web` server: checks every request (`WebAccess`) before
/// anything else, then serves the page, the JSON routes, or a stream of server-sent events.
final class WebRequestHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let access: WebAccess
    private let provider: any TimelineProvider
    private let pool: NIOThreadPool
    private let updateInterval: TimeAmount
    /// The request being read: its head, until its end arrives.
    private var head: HTTPRequestHead?
    /// Whether this connection now carries an event stream (nothing else is read on it).
    private var streaming = false

    init(access: WebAccess, provider: any TimelineProvider, pool: NIOThreadPool, updateInterval: TimeAmount) {
        self.access = access
        self.provider = provider
        self.pool = pool
        self.updateInterval = updateInterval
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break  // no route takes a body
        case .end:
            guard let head, !streaming else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        if let refusal = access.refusal(for: head) {
            send(refusal, type: "text/plain; charset=utf-8", body: Array("\(refusal.code) \(refusal.reasonPhrase)\n".utf8), head: head, context: context)
            return
        }
        guard head.method == .GET else {
            send(.methodNotAllowed, type: "text/plain; charset=utf-8", body: Array("405 only GET\n".utf8), head: head, context: context)
            return
        }
        let target = WebRequestTarget(head.uri)
        let provider = self.provider
        switch target.path {
        case "/":
            let nonce = WebAccess.randomToken()
            let page = TimelinePage.html(mode: .served, nonce: nonce)
            send(.ok, type: "text/html; charset=utf-8", body: page, head: head, context: context,
                 policy: TimelinePage.contentSecurityPolicy(nonce: nonce, mode: .served))
        case "/api/timeline":
            answer(head, context: context) { provider.timeline() }
        case "/api/filter":
            let expression = target.query("q") ?? ""
            answer(head, context: context) { provider.filter(expression) }
        case "/api/updates":
            let since = head.headers["last-event-id"].first.flatMap { UInt64($0) } ?? target.query("since").flatMap { UInt64($0) } ?? 0
            startEvents(since: since, head: head, context: context)
        default:
            if target.path.hasPrefix("/api/exchanges/"), let id = Int(target.path.dropFirst("/api/exchanges/".count)) {
                answer(head, context: context) { provider.exchange(id: id) }
            } else {
                send(.notFound, type: "text/plain; charset=utf-8", body: Array("404 not found\n".utf8), head: head, context: context)
            }
        }
    }

    /// Computes a JSON answer on the worker thread and sends it (404 when there is none).
    private func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext, _ work: @escaping @Sendable () -> [UInt8]?) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pool.runIfActive(eventLoop: context.eventLoop, work).whenComplete { result in
            let (handler, context) = bound.value
            switch result {
            case .success(let body?):
                handler.send(.ok, type: "application/json", body: body, head: head, context: context)
            case .success(nil):
                handler.send(.notFound, type: "text/plain; charset=utf-8", body: Array("404 not kept\n".utf8), head: head, context: context)
            case .failure:
                handler.send(.serviceUnavailable, type: "text/plain; charset=utf-8", body: Array("503 shutting down\n".utf8), head: head, context: context)
            }
        }
    }

    private func send(
        _ status: HTTPResponseStatus, type: String, body: [UInt8], head: HTTPRequestHead, context: ChannelHandlerContext,
        policy: String = "default-src 'none'; frame-ancestors 'none'"
    ) {
        guard context.channel.isActive else { return }
        var headers = Self.commonHeaders(type: type, policy: policy)
        headers.add(name: "content-length", value: String(body.count))
        let keepAlive = head.isKeepAlive && status.code < 400
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlushWithPromise(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    private static func commonHeaders(type: String, policy: String) -> HTTPHeaders {
        HTTPHeaders([
            ("content-type", type), ("cache-control", "no-store"), ("x-content-type-options", "nosniff"),
            ("referrer-policy", "no-referrer"), ("x-frame-options", "DENY"), ("content-security-policy", policy),
        ])
    }

    // MARK: - Server-sent events

    /// Answers with an event stream and sends each change after `since` as an event named `changes`
    /// whose id is the store version, until the capture ends or the page goes away.
    private func startEvents(since: UInt64, head: HTTPRequestHead, context: ChannelHandlerContext) {
        streaming = true
        var headers = Self.commonHeaders(type: "text/event-stream; charset=utf-8", policy: "default-src 'none'")
        headers.add(name: "connection", value: "keep-alive")
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
        poll(since: since, context: context)
    }

    private func poll(since: UInt64, context: ChannelHandlerContext) {
        let provider = self.provider
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        pool.runIfActive(eventLoop: context.eventLoop) { provider.changes(since: since) }.whenComplete { result in
            let (handler, context) = bound.value
            guard context.channel.isActive, case .success(let changes) = result else { return }
            let next = changes?.version ?? since
            if let changes {
                var event = context.channel.allocator.buffer(capacity: changes.json.count + 64)
                event.writeString("event: changes\nid: \(changes.version)\ndata: ")
                event.writeBytes(changes.json)  // one line: the JSON writer never breaks lines unless pretty
                event.writeString("\n\n")
                context.writeAndFlush(handler.wrapOutboundOut(.body(.byteBuffer(event))), promise: nil)
                if changes.isFinal {
                    let channel = context.channel
                    context.writeAndFlushWithPromise(handler.wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
                    return
                }
            }
            context.eventLoop.scheduleTask(in: handler.updateInterval) {
                let (handler, context) = bound.value
                handler.poll(since: next, context: context)
            }
        }
    }
}

extension ChannelHandlerContext {
    fileprivate func writeAndFlushWithPromise(_ data: NIOAny) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        writeAndFlush(data, promise: promise)
        return promise.futureResult
    }
}
