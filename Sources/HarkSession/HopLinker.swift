import HarkCore
import HarkModel

/// Links a client's HTTP exchange with a web server and the FastCGI exchange that web server made to
/// serve it, when the capture holds both hops (issue 14, item 8): same method and request target, the
/// FastCGI request begun between the HTTP request's first byte and its response's first byte.
///
/// A FastCGI exchange usually ends (`END_REQUEST`) just before the web server's response does, so
/// FastCGI exchanges are held back until their HTTP exchange completes, and both are reported linked:
/// the FastCGI one first. Holding is bounded: at most `maxHeld` exchanges, each for at most `holdTime`
/// of capture time, and only once the session has seen an HTTP connection (a capture of the FastCGI
/// hop alone reports at once). An HTTP exchange that completes first is remembered (at most
/// `maxRecent`), so that its FastCGI exchange still names it as `downstream`.
struct HopLinker {
    /// How long (capture time) a FastCGI exchange waits for its HTTP exchange.
    static let holdTime = TimeSpan.seconds(10)
    static let maxHeld = 256
    static let maxRecent = 256

    /// What is remembered of an HTTP exchange already reported.
    private struct Reported {
        var link: HopLink
        var method: HTTPMethod
        var path: String
        var start: Timestamp
        var responseStart: Timestamp
    }

    /// Whether the session carries FastCGI (then HTTP exchanges are remembered).
    private(set) var seesFastCGI = false
    /// Whether the session carries HTTP from clients (then FastCGI exchanges are held).
    private(set) var seesHTTP = false
    private var held: [Exchange] = []
    private var recent: [Reported] = []

    mutating func noteProtocol(_ found: ApplicationProtocol) {
        if found == .fastCGI { seesFastCGI = true }
        if found == .http1 || found == .http2 { seesHTTP = true }
    }

    /// Whether anything is held (checked before `release(before:)`).
    var isHolding: Bool { !held.isEmpty }

    /// A FastCGI exchange completed: returned to report now (linked to an HTTP exchange already
    /// reported, or when nothing can link it later), or held.
    mutating func fastCGI(_ exchange: Exchange) -> Exchange? {
        var exchange = exchange
        if let index = recent.firstIndex(where: { Self.matches(exchange, method: $0.method, path: $0.path, start: $0.start, responseStart: $0.responseStart) }) {
            exchange.downstream = recent[index].link
            recent.remove(at: index)
            return exchange
        }
        guard seesHTTP else { return exchange }
        held.append(exchange)
        return nil
    }

    /// An HTTP exchange completed: the held FastCGI exchange that served it, taken out of the hold.
    mutating func http(_ exchange: Exchange) -> Exchange? {
        guard seesFastCGI else { return nil }
        let path = Self.path(exchange.request.target)
        let responseStart = exchange.response?.firstByte ?? exchange.request.lastByte
        let start = exchange.request.firstByte
        if let index = held.firstIndex(where: { Self.matches($0, method: exchange.request.method, path: path, start: start, responseStart: responseStart) }) {
            return held.remove(at: index)
        }
        return nil
    }

    /// An HTTP exchange reported without a FastCGI exchange: remembered for one completing later.
    mutating func remember(_ exchange: Exchange) {
        guard seesFastCGI else { return }
        if recent.count >= Self.maxRecent { recent.removeFirst() }
        recent.append(Reported(
            link: Self.link(to: exchange, peer: exchange.connection.client),
            method: exchange.request.method,
            path: Self.path(exchange.request.target),
            start: exchange.request.firstByte,
            responseStart: exchange.response?.firstByte ?? exchange.request.lastByte
        ))
    }

    /// Held exchanges whose wait is over at `now` (or all, for nil), and the oldest beyond `maxHeld`.
    mutating func release(before now: Timestamp?) -> [Exchange] {
        var released: [Exchange] = []
        while let first = held.first {
            let end = first.response?.lastByte ?? first.request.lastByte
            let expired = now.map { $0.since(end) > Self.holdTime } ?? true
            guard expired || held.count > Self.maxHeld else { break }
            released.append(held.removeFirst())
        }
        return released
    }

    /// A link to `exchange`, seen from the other hop.
    static func link(to exchange: Exchange, peer: Endpoint) -> HopLink {
        HopLink(exchangeID: exchange.id, connectionID: exchange.connection.id, peer: peer, duration: exchange.duration)
    }

    private static func matches(_ fastCGI: Exchange, method: HTTPMethod, path: String, start: Timestamp, responseStart: Timestamp) -> Bool {
        let begun = fastCGI.request.firstByte
        return fastCGI.request.method == method && fastCGI.request.target == path && begun >= start && begun <= responseStart
    }

    /// The origin-form of a target (an absolute-form target's path and query).
    private static func path(_ target: String) -> String {
        for scheme in ["http://", "https://"] where target.lowercased().hasPrefix(scheme) {
            let rest = target.dropFirst(scheme.count)
            guard let slash = rest.firstIndex(of: "/") else { return "/" }
            return String(rest[slash...])
        }
        return target
    }
}
