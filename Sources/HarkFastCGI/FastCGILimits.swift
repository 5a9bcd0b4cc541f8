public import HarkCore

/// Bounds on what one `FastCGIAnalyzer` keeps. Exceeding one is reported, never fatal.
public struct FastCGILimits: Hashable, Sendable {
    /// Most bytes of one request's concatenated `PARAMS`; later ones are dropped. Default 1 MiB.
    public var maxParamsBytes: Int
    /// Most bytes of a CGI response head (`STDOUT` up to its blank line); past it the whole output is
    /// taken as the body. Default 64 KiB.
    public var maxHeadBytes: Int
    /// Most body bytes kept per request and per response; later ones are counted. 0 keeps none.
    /// Default 1 GiB (on disk when memory cannot hold it).
    public var maxBodyBytes: Int
    /// Most bytes a response body's content codings (`Content-Encoding: gzip` in the CGI head) may
    /// decode to, as for HTTP bodies: decoding stops there and says so. Default 1 GiB.
    public var maxDecodedBodyBytes: Int
    /// Most `STDERR` bytes kept per request as text; later ones are counted. Default 64 KiB.
    public var maxStderrBytes: Int
    /// Most requests open at once on one connection; a `BEGIN_REQUEST` beyond it ends the oldest
    /// unfinished. Default 256.
    public var maxOpenRequests: Int
    /// Most bytes the open requests of one connection hold together in memory (`PARAMS`, unfinished
    /// response heads, stderr text), whatever the limits above allow each: past it `PARAMS` bytes
    /// are dropped, a head is taken as body and stderr is only counted, each said in the exchange.
    /// Default 8 MiB (without it, 256 open requests × 1 MiB of `PARAMS` could hold 256 MiB).
    public var maxHeldBytes: Int
    /// How bodies are stored.
    public var bodyStorage: BodyStorageLimits
    /// The budget shared with other connections for the requests waiting for responses; nil for none
    /// (only `maxOpenRequests` and `maxHeldBytes` bound them). Each open request is charged an estimate
    /// of its own size (`OpenRequest.cost`) and the bytes it holds (`PARAMS`, an unfinished response
    /// head, stderr text): a `BEGIN_REQUEST` that does not fit ends this connection's oldest open
    /// request, which says why; held bytes past the budget are dropped or cut as past `maxHeldBytes`,
    /// and said so. A session passes its own (`SessionConfiguration.maxWaitingRequestBytes`), so that
    /// many connections together hold no more than it. Default nil.
    public var waitingRequests: ByteBudget?

    public init(
        maxParamsBytes: Int = 1 << 20,
        maxHeadBytes: Int = 64 << 10,
        maxBodyBytes: Int = 1 << 30,
        maxDecodedBodyBytes: Int = 1 << 30,
        maxStderrBytes: Int = 64 << 10,
        maxOpenRequests: Int = 256,
        maxHeldBytes: Int = 8 << 20,
        bodyStorage: BodyStorageLimits = BodyStorageLimits(),
        waitingRequests: ByteBudget? = nil
    ) {
        self.maxParamsBytes = maxParamsBytes
        self.maxHeadBytes = maxHeadBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxDecodedBodyBytes = maxDecodedBodyBytes
        self.maxStderrBytes = maxStderrBytes
        self.maxOpenRequests = maxOpenRequests
        self.maxHeldBytes = maxHeldBytes
        self.bodyStorage = bodyStorage
        self.waitingRequests = waitingRequests
    }
}
