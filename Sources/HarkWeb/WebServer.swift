public import NIOCore
import NIOConcurrencyHelpers
import NIOHTTP1
import NIOPosix

/// The `hark web` server: HTTP/1.1 on 127.0.0.1 only, the timeline page and its JSON, and live updates
/// as server-sent events.
///
/// Built on SwiftNIO's `NIOHTTP1`, already a dependency of hark: the server needs four GET routes and
/// one event stream, which a framework (Hummingbird, 2.5–4.5 more minutes of first build) would not
/// shorten much. Updates travel as server-sent events rather than a WebSocket: they only go one way,
/// `EventSource` reconnects by itself and resumes from `Last-Event-ID` (the store version), and the
/// token rides in its URL like every other request's.
///
/// ### Example
/// ```swift
/// let server = try WebServer.start(provider: provider, port: 0)
/// print(server.url)          // http://127.0.0.1:41234/?token=…
/// try server.wait()
/// ```
public final class WebServer: Sendable {
    /// The port listened on.
    public let port: Int
    /// Who may use it (the token is in `url`).
    public let access: WebAccess
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let pool: NIOThreadPool

    private init(port: Int, access: WebAccess, channel: any Channel, group: MultiThreadedEventLoopGroup, pool: NIOThreadPool) {
        self.port = port
        self.access = access
        self.channel = channel
        self.group = group
        self.pool = pool
    }

    /// The URL to open: the page with the token.
    public var url: String { "http://127.0.0.1:\(port)/?token=\(access.token)" }

    /// Starts listening on 127.0.0.1.
    ///
    /// - Parameters:
    ///   - provider: what to serve.
    ///   - port: the port, or 0 for a free one the system picks.
    ///   - token: the secret every request must carry; a random one by default.
    ///   - updateInterval: how often a live channel looks for changes.
    /// - Throws: when the port cannot be bound.
    public static func start(
        provider: any TimelineProvider, port: Int = 0, token: String = WebAccess.randomToken(),
        updateInterval: TimeAmount = .milliseconds(200)
    ) throws -> WebServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        // Set once the port is known; a connection accepted before that is refused (port 0 matches no Host).
        let accessBox = NIOLockedValueBox(WebAccess(token: token, port: 0))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        WebRequestHandler(
                            access: accessBox.withLockedValue { $0 }, provider: provider, pool: pool, updateInterval: updateInterval
                        )
                    )
                }
            }
        do {
            let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
            let boundPort = channel.localAddress?.port ?? port
            let access = WebAccess(token: token, port: boundPort)
            accessBox.withLockedValue { $0 = access }
            return WebServer(port: boundPort, access: access, channel: channel, group: group, pool: pool)
        } catch {
            try? group.syncShutdownGracefully()
            try? pool.syncShutdownGracefully()
            throw error
        }
    }

    /// Blocks until the server is closed.
    public func wait() throws {
        try channel.closeFuture.wait()
    }

    /// Stops listening, ends open connections and frees the threads.
    public func close() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
        try? pool.syncShutdownGracefully()
    }
}
