import HarkCore
import HarkModel

/// What the analysis of one connection reports for the session's output (`SessionOutput`), in the
/// order it happened. Whatever spans connections (exchange and message ids, the hop linker, counts)
/// is the output's to decide, so the analysis of a connection can run on any thread.
enum AnalysisEvent {
    /// A connection's protocol was recognised: the hop linker learns what the session carries.
    case detected(ApplicationProtocol)
    /// A complete exchange, with what its connection knows of it (bytes delivered late, why a message
    /// is missing); the output gives it its id.
    case exchange(Exchange)
    /// A complete exchange with what the observer's `ExchangePreparer` made of it on the worker that
    /// analysed its connection (boxed: it is rare next to the events of every packet).
    indirect case preparedExchange(Exchange, prepared: any Sendable)
    /// The exchange that switched its connection to another protocol, whose messages refer to it.
    case switched(Exchange)
    /// A FastCGI exchange, for the hop linker to link or hold.
    case fastCGI(Exchange)
    /// A message of the protocol a connection switched to; the output gives it its id and exchange.
    case message(ConnectionMessage)
    /// The connection's payload showed that reassembly's client is the server (a WebSocket joined
    /// mid-stream masks on the other side): its TCP events are reported the other way round from now on.
    case rolesSwapped(connection: Int)
    /// A problem found in a connection.
    case diagnostic(Diagnostic)
    /// A connection is over.
    case closed(ConnectionRecord)
}

/// Takes the events of connection analysis: the session's output itself, or a worker's list of them.
protocol AnalysisSink {
    mutating func take(_ event: AnalysisEvent)
}
