import HarkCore
public import HarkModel

/// Entries of exchanges that switched their connection to WebSocket, held until the connection ends so
/// that its messages join them as `_webSocketMessages`, in Chrome's shape.
///
/// Chrome lists data messages only (text and binary, each defragmented and inflated), so close, ping
/// and pong are left out here too. Bounded: at most `maxMessages` per entry are kept, later ones are
/// counted in `_webSocketMessagesOmitted`; payloads are cut at `HARExportOptions.maxBodySize` and stay in
/// their `BodyStorage` (on disk when large).
public struct HARWebSocketEntries {
    private struct Held {
        var entry: HAREntry
        var omitted = 0
    }

    /// Most messages kept per entry.
    public let maxMessages: Int
    private let options: HARExportOptions
    private var held: [Int: Held] = [:]

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

    /// Holds the entry of an exchange that opened a WebSocket on `connection` (the connection's
    /// earlier held entry, if any, is returned to be written).
    public mutating func hold(_ entry: HAREntry, connection: Int) -> HAREntry? {
        let previous = held.updateValue(Held(entry: entry), forKey: connection)
        return previous.map(Self.finished)
    }

    /// Adds a message to its connection's held entry; messages of other connections are ignored.
    public mutating func add(_ message: ConnectionMessage) {
        guard message.opcode == 1 || message.opcode == 2, var entry = held[message.connection.id] else { return }
        held[message.connection.id] = nil  // one reference while appending
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
        held[message.connection.id] = entry
    }

    /// The held entry of a connection that ended, with its messages.
    public mutating func release(connection: Int) -> HAREntry? {
        held.removeValue(forKey: connection).map(Self.finished)
    }

    /// Every entry still held, in connection order (at the end of the capture).
    public mutating func releaseAll() -> [HAREntry] {
        let entries = held.sorted { $0.key < $1.key }.map { Self.finished($0.value) }
        held = [:]
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
