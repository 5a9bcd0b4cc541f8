import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport

/// What a session reports, comparable as a whole: connections, TCP events, exchanges (ids, links
/// between hops, bodies), messages, diagnostics and counts, in the order reported.
struct SessionReport: Equatable {
    var connections: [ConnectionRecord]
    var events: [TCPEvent]
    var exchanges: [String]
    var messages: [String]
    var diagnostics: [Diagnostic]
    var statistics: SessionStatistics

    /// Runs `reader` through a session with `configuration`.
    init(_ reader: CaptureReader, configuration: SessionConfiguration) {
        var recorder = SessionRecorder()
        statistics = CaptureSession(reader: reader, configuration: configuration).run(observer: &recorder)
        connections = recorder.connections
        events = recorder.events
        exchanges = recorder.exchanges.map(Self.summary)
        messages = recorder.messages.map(Self.summary)
        diagnostics = recorder.diagnostics
    }

    /// An exchange's identity, links, outcome and bodies in one line.
    private static func summary(_ exchange: Exchange) -> String {
        let response = exchange.response.map { "\($0.status.rawValue) \(body($0.body))" } ?? "no response"
        let links = [exchange.upstream, exchange.downstream].map { $0.map { "#\($0.exchangeID)@\($0.connectionID)" } ?? "-" }
        return "#\(exchange.id) conn \(exchange.connection.id)/\(exchange.indexOnConnection) \(exchange.applicationProtocol) "
            + "\(exchange.request.method.rawValue) \(exchange.request.target) \(body(exchange.request.body)) → "
            + "\(response); links \(links); handshake \(String(describing: exchange.connection.handshake)); "
            + "switched \(String(describing: exchange.switchedTo)); \(exchange.problems)"
    }

    private static func summary(_ message: ConnectionMessage) -> String {
        "#\(message.id) of \(String(describing: message.exchangeID)) conn \(message.connection.id)/\(message.indexOnConnection) "
            + "\(message.kind) \(body(message.payload))"
    }

    private static func body(_ body: HTTPMessageBody) -> String {
        "\(body.length) bytes (\(body.wireBytes) on the wire, \(body.missingBytes) missing): \(body.content.byteArray.hashValue)"
    }
}
