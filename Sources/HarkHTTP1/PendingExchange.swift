import HarkCore
import NIOCore

/// A request seen on the connection whose exchange has not been emitted yet.
///
/// A class so that the queue, searched and updated several times per message, moves references
/// rather than copying two whole messages each time. `HTTP1Analyzer` keeps its value semantics by
/// cloning shared instances before it mutates (`copy()`).
final class PendingExchange {
    let index: Int
    let pipelineDepth: Int
    let method: HTTPMethod
    let target: String
    /// The request's `Upgrade` value, when it asked to switch protocols.
    let upgrade: String?
    /// The request, once complete.
    var request: HTTP1Request?
    var interim: [HTTP1Response] = []
    /// The final response, once complete.
    var response: HTTP1Response?
    /// Whether the head of the final response has been paired with this request.
    var hasFinalResponseHead = false
    /// Set when it is known that no final response will come.
    var noResponse: HTTP1Exchange.NoResponseReason?

    /// The session's budget this exchange is charged to while it exists, and by how much. The exchange
    /// is its own token (a reservation, not a `ByteBudget.Claim`): one object per request, not two.
    let budget: ByteBudget?
    let cost: Int

    /// An exchange for a request just begun, charged `cost` bytes to `budget` (whether they fit or not:
    /// the analyzer made room first) until it goes.
    init(index: Int, pipelineDepth: Int, method: HTTPMethod, target: String, upgrade: String?, budget: ByteBudget?, cost: Int) {
        self.index = index
        self.pipelineDepth = pipelineDepth
        self.method = method
        self.target = target
        self.upgrade = upgrade
        self.budget = budget
        self.cost = cost
        budget?.adjust(by: cost)
    }

    deinit {
        budget?.release(cost)
    }

    /// What a waiting request is charged to `HTTP1Limits.waitingRequests`: an estimate of what it holds
    /// until its response comes. heaptrack put a request with a one-field head at about 1.07 KB for
    /// this object and the request kept, plus its fields (an array of name/value strings, allocated
    /// past 15 bytes each); the head's own bytes bound the strings.
    static func cost(headSize: Int, fieldCount: Int) -> Int {
        1024 &+ headSize &+ 64 &* fieldCount
    }

    /// A separate exchange with the same state, for an analyzer that was copied.
    func copy() -> PendingExchange {
        let copy = PendingExchange(
            index: index,
            pipelineDepth: pipelineDepth,
            method: method,
            target: target,
            upgrade: upgrade,
            budget: budget,
            cost: cost
        )
        copy.request = request
        copy.interim = interim
        copy.response = response
        copy.hasFinalResponseHead = hasFinalResponseHead
        copy.noResponse = noResponse
        return copy
    }

    /// Whether the request is still waiting for a final response that may yet come.
    var awaitsResponse: Bool { !hasFinalResponseHead && noResponse == nil }

    /// Whether the request may switch the connection's protocol, so that bytes after it must wait for
    /// the answer.
    var mayOpenTunnel: Bool { method == .connect || upgrade != nil }

    /// Whether the request is complete (pattern-matched: `!= nil` would copy the whole message).
    var hasRequest: Bool {
        if case .some = request { true } else { false }
    }

    /// Whether the final response is complete.
    var hasResponse: Bool {
        if case .some = response { true } else { false }
    }

    /// Whether the exchange can be emitted.
    var isDone: Bool { hasRequest && (hasResponse || noResponse != nil) }

    /// Emits the public exchange (if the request is complete), with its issues listed. Its messages
    /// are moved out, not copied: this pending exchange is left without them, for one just removed
    /// from the analyzer's list (no copy of the analyzer shares it during a call:
    /// `HTTP1Analyzer.makeExchangesUnique`).
    func emitExchange(_ emit: (HTTP1Event) -> Void) {
        guard let request = request.take() else { return }
        let response = response.take()
        var issues: [HTTP1Exchange.Issue] = []
        if case .none = response, let noResponse { issues.append(.noResponse(noResponse)) }
        issues += request.issues
        issues += response?.issues ?? []
        let interim = interim
        self.interim = []
        // `consume`: without it each large part is copied in, then destroyed.
        let exchange = HTTP1Exchange(
            request: consume request,
            interimResponses: consume interim,
            response: consume response,
            index: index,
            pipelineDepth: pipelineDepth,
            issues: consume issues
        )
        emit(.exchange(consume exchange))
    }
}

/// A response being read, and what it answers.
struct ResponseInProgress {
    var builder: MessageBuilder
    /// `PendingExchange.index` of the request it answers; nil when no request was waiting. An id, not
    /// a reference, so that copying the analyzer (which clones shared exchanges) cannot leave it behind.
    var exchangeIndex: Int?
    /// A 1xx other than 101: the final response follows.
    var isInterim: Bool
    /// A 101, or a 2xx to CONNECT.
    var switchesProtocol: Bool
}

/// Client input held back while an `Upgrade` or `CONNECT` request waits for its answer: replayed as
/// HTTP if the answer keeps HTTP/1, or passed on as tunnel data if it switches.
struct HeldClientInput {
    /// One deferred call.
    enum Item {
        /// Bytes, their capture time and their packet's number.
        case bytes(ByteBuffer, Timestamp, Int)
        case gap(Int, Timestamp)
        case finish(Timestamp)
    }

    /// The exchange whose answer decides; nil when nothing is held.
    var exchangeIndex: Int?
    var items: [Item] = []
    var byteCount = 0

    var isActive: Bool { exchangeIndex != nil }
}
