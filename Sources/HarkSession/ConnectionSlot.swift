import HarkCore
import HarkModel
import HarkReassembly
import HarkTLS

/// What the session tracks for one open connection.
final class ConnectionSlot {
    let info: TCPConnectionInfo
    /// Unchecked: only the dispatcher's calls touch it, one at a time, and a dynamic exclusivity
    /// check on every delivery cost more than the delivery to an opaque stack itself.
    @exclusivity(unchecked) var analyzer: StreamAnalyzer
    /// The outermost protocol recognised (HTTP/1 stays the answer even after a CONNECT tunnel; an
    /// upgrade replaces it).
    private(set) var applicationProtocol: ApplicationProtocol = .none
    /// Exchanges reported on the connection so far, at every layer (a CONNECT tunnel's included).
    private(set) var exchangesReported = 0
    /// Messages reported on the connection so far (after an upgrade to a message protocol).
    private(set) var messagesReported = 0
    /// Bytes held behind holes and delivered late, so that exchanges made of them say so.
    var held = HeldDeliveryTracker()
    /// What became of the client's requests and the server's responses, to say why one is missing.
    var missing = MissingMessageReasons()
    private let settings: StackSettings
    private var synTime: Timestamp?
    private var handshake: HandshakeTiming?
    private var handshakeGiven = false
    /// The TLS session, once its handshake completed; every exchange inside it carries it.
    private var tls: TLSSummary?
    /// Whether the payload showed that reassembly's client is the server (`clientIsTheMaskingSide`):
    /// then contexts, messages, TCP events and the connection record name the roles the other way.
    private(set) var rolesSwapped = false

    /// - Parameter synTime: when the connection's SYN was seen, if it was, before the slot was made.
    init(info: TCPConnectionInfo, settings: StackSettings, synTime: Timestamp? = nil) {
        self.info = info
        self.settings = settings
        self.synTime = synTime
        self.analyzer = .start(midStream: info.roleSource != .handshake, settings: settings)
    }

    /// Whether `note` keeps anything of `event` (a worker is sent only those events).
    static func keeps(_ event: TCPEvent) -> Bool {
        switch event.kind {
        case .syn, .handshakeComplete, .gap: true
        default: false
        }
    }

    func note(_ event: TCPEvent) {
        switch event.kind {
        case .syn: synTime = event.timestamp
        case .handshakeComplete:
            if let synTime { handshake = HandshakeTiming(synTime: synTime, completedTime: event.timestamp) }
        case .gap(let length):
            held.noteGap(length, direction: event.direction, time: event.timestamp, packet: event.packetNumber)
            missing.gapDirections.insert(event.direction)
        default: break
        }
    }

    func noteProtocol(_ found: ApplicationProtocol) {
        if applicationProtocol == .none || applicationProtocol == .unknown {
            applicationProtocol = found
        }
    }

    /// The payload showed the roles reassembly guessed from the ports the wrong way round.
    func swapRoles() {
        rolesSwapped = true
    }

    /// An upgrade switched the connection to `found`, which is now what it carries.
    func noteUpgrade(to found: ApplicationProtocol) {
        applicationProtocol = found
    }

    /// The next message's position on the connection.
    func takeMessagePosition() -> Int {
        defer { messagesReported += 1 }
        return messagesReported
    }

    /// Records the TLS session whose handshake just completed.
    func noteTLS(_ session: TLSSessionInfo) {
        tls = TLSSummary(session, keyLogIsEmpty: settings.keyLog.isEmpty, keyLogPaths: settings.keyLogPaths)
    }

    /// The TLS session as the connection ends: what the handshake said, or what was learnt when it
    /// never completed in the capture; nil for a connection without TLS.
    func finalTLSSummary() -> TLSSummary? {
        guard let session = analyzer.tlsSession else { return tls }
        return TLSSummary(session, keyLogIsEmpty: settings.keyLog.isEmpty, keyLogPaths: settings.keyLogPaths)
    }

    /// The next exchange's position on the connection, in the order exchanges are reported: requests
    /// in the order sent, a response without a request where it came, tunnelled exchanges after the
    /// CONNECT that opened the tunnel.
    func takeExchangePosition() -> Int {
        defer { exchangesReported += 1 }
        return exchangesReported
    }

    /// The connection context for an exchange; the handshake goes to the first exchange only.
    func context(consumingHandshake: Bool) -> ConnectionContext {
        let (client, server) = rolesSwapped ? (info.server, info.client) : (info.client, info.server)
        var context = ConnectionContext(id: info.id, client: client, server: server, tls: tls)
        if consumingHandshake, !handshakeGiven {
            context.handshake = handshake
            handshakeGiven = true
        }
        return context
    }
}
