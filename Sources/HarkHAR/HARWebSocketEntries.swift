import HarkCore
public import HarkModel

/// Entries of exchanges that switched their connection (or, over HTTP/2, one stream of it: RFC 8441) to
/// WebSocket, held until the connection ends so that their messages join them as `_webSocketMessages`,
/// in Chrome's shape. A message joins the entry of the exchange that switched its connection or stream.
///
/// Chrome lists data messages only (text and binary, each defragmented and inflated), so close, ping
/// and pong are left out here too. Bounded: at most `maxMessages` per entry are kept, later ones are
/// counted in `_webSocketMessagesOmitted`; payloads are cut at `HARExportOptions.maxBodySize` and stay in
/// their `BodyStorage` (on disk when large).
public struct HARWebSocketEntries {
    private struct Held {
        var entry: HAREntry
        var connection: Int
        var omitted = 0
    }

    /// Most messages kept per entry.
    public let maxMessages: Int
    private let options: HARExportOptions
    /// By `Exchange.id`.
    private var held: [Int: Held] = [:]
    /// The held exchanges' ids by connection.
    private var heldOnConnection: [Int: [Int]] = [:]

    /// - Parameters:
    ///   - options: body options (`maxBodySize` cuts payloads; without bodies, payloads are empty).
    ///   - maxMessages: most messages kept per entry (default 10,000).
    public init(options: HARExportOptions, maxMessages: Int = 10_000) {
        self.options = options
        self.maxMessages = maxMessages
    }

    /// Whether `exchange`'s entry must wait for its connection's messages.
    public static func waitsForMessages(_ exchange: Exchange) -> Bool {
        exchange.switchedTo == "websocket"
    }

    /// Holds the entry of `exchange`, which opened a WebSocket.
    public mutating func hold(_ entry: HAREntry, of exchange: Exchange) {
        guard held.updateValue(Held(entry: entry, connection: exchange.connection.id), forKey: exchange.id) == nil else { return }
        heldOnConnection[exchange.connection.id, default: []].append(exchange.id)
    }

    /// Adds a message to the held entry of the exchange that switched its connection or stream; other
    /// messages (the capture began after the switch) are ignored.
    public mutating func add(_ message: ConnectionMessage) {
        guard message.opcode == 1 || message.opcode == 2, let id = message.exchangeID, var entry = held[id] else { return }
        held[id] = nil  // one reference while appending
        if entry.entry.webSocketMessages.count < maxMessages {
            entry.entry.webSocketMessages.append(
                HARWebSocketMessage(
                    type: message.direction == .clientToServer ? .send : .receive,
                    time: message.firstByte,
                    opcode: UInt8(message.opcode),
                    data: options.includeBodies ? limited(message.payload.content, options).bytes : BodyStorage()
                )
            )
        } else {
            entry.omitted += 1
        }
        held[id] = entry
    }

    /// The held entries of a connection that ended, with their messages, in exchange order.
    public mutating func release(connection: Int) -> [HAREntry] {
        let ids = heldOnConnection.removeValue(forKey: connection) ?? []
        return ids.compactMap { held.removeValue(forKey: $0).map(Self.finished) }
    }

    /// Every entry still held, in exchange order (at the end of the capture).
    public mutating func releaseAll() -> [HAREntry] {
        let entries = held.sorted { $0.key < $1.key }.map { Self.finished($0.value) }
        held = [:]
        heldOnConnection = [:]
        return entries
    }

    private static func finished(_ held: Held) -> HAREntry {
        var entry = held.entry
        if held.omitted > 0 {
            entry.custom.append(HARJSONMember("_webSocketMessagesOmitted", .integer(Int64(held.omitted))))
        }
        return entry
    }
}
