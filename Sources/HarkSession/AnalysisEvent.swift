import HarkCore
import HarkModel

/// What the analysis of one connection reports for the session's output (`SessionOutput`), in the
/// order it happened. Whatever spans connections (exchange and message ids, the hop linker, counts)
/// is the output's to decide, so the analysis of a connection can run on any thread.
///
/// Every payload larger than a word or two is boxed (`indirect`): with several threads, a worker holds
/// the events of a round until the session's thread merges them, and an event held inline took the room
/// of the largest case (an exchange, 1,368 bytes) whatever it was; boxed, an event is 24 bytes and an
/// exchange costs what it holds.
enum AnalysisEvent {
    /// A connection's protocol was recognised: the hop linker learns what the session carries.
    case detected(ApplicationProtocol)
    /// A complete exchange, with what its connection knows of it (bytes delivered late, why a message
    /// is missing); the output gives it its id.
    indirect case exchange(Exchange)
    /// A complete exchange with what the observer's `ExchangePreparer` made of it on the worker that
    /// analysed its connection.
    indirect case preparedExchange(Exchange, prepared: any Sendable)
    /// The exchange that switched its connection to another protocol, whose messages refer to it.
    indirect case switched(Exchange)
    /// A FastCGI exchange, for the hop linker to link or hold.
    indirect case fastCGI(Exchange)
    /// A message of the protocol a connection switched to; the output gives it its id and exchange.
    indirect case message(ConnectionMessage)
    /// The connection's payload showed that reassembly's client is the server (a WebSocket joined
    /// mid-stream masks on the other side): its TCP events are reported the other way round from now on.
    case rolesSwapped(connection: Int)
    /// A problem found in a connection.
    indirect case diagnostic(Diagnostic)
    /// A connection is over.
    indirect case closed(ConnectionRecord)
}

/// Takes the events of connection analysis: the session's output itself, or a worker's list of them.
protocol AnalysisSink {
    mutating func take(_ event: AnalysisEvent)
    /// Takes a complete exchange, as `take(.exchange(exchange))` does (the default). A sink that
    /// reports it at once takes it without the event's box: an exchange is copied out of a box, and
    /// that costs a retain and a release of every reference it holds.
    mutating func take(exchange: consuming Exchange)
}

extension AnalysisSink {
    mutating func take(exchange: consuming Exchange) {
        take(.exchange(exchange))
    }
}

extension AnalysisEvent {
    /// A rough estimate of the memory the event holds while a worker keeps it for the merge
    /// (`AnalysisWorker.maxHeldBytes`): 2 KiB for an exchange (its record, 1,368 bytes, with its strings
    /// and field arrays), less for the rest. A fixed cost by case, so that estimating copies nothing:
    /// what can amplify is the number of exchanges a call releases (a hundred given-up HTTP/2 streams
    /// from 1,400 bytes); large heads and bodies come from as many captured bytes, which the rounds
    /// bound, and bodies' storage has budgets of its own (`BodyStoragePool`).
    var estimatedBytes: Int {
        switch self {
        case .exchange, .preparedExchange, .switched, .fastCGI: 2 << 10
        case .message: 1 << 10
        case .diagnostic, .closed: 512
        case .detected, .rolesSwapped: 32
        }
    }
}
