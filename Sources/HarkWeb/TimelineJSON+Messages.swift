import HarkCore
import HarkFormat
import HarkModel
import HarkStore

extension TimelineJSON {
    /// A connection's messages after an upgrade (WebSocket), as marks on its row: a flat array, five
    /// values per message: first byte (a delta from the previous message's, the first from 0), last
    /// byte (after the first), the opcode (| 256 for server→client, + 512 × the HTTP/2 stream for
    /// WebSocket over HTTP/2: at most 2^40, exact in JavaScript), the payload length, and the start
    /// of its text (a position in `strings`; a close message's code and reason), else null. Then
    /// `omittedMessages`, the messages past the store's bound.
    mutating func messages(_ entry: ConnectionEntry) {
        json.key("messages")
        json.beginArray()
        var previous: Int64 = 0
        for mark in entry.messages {
            let first = micros(mark.firstByte)
            json.integer(first - previous)
            previous = first
            json.integer(micros(mark.lastByte) - first)
            let stream = Int(mark.streamID ?? 0) << 9
            json.integer(stream | mark.opcode & 255 | (mark.direction == .serverToClient ? 256 : 0))
            json.integer(mark.length)
            stringIndex(mark.text)
        }
        json.endArray()
        json.member("omittedMessages", entry.omittedMessages)
    }

    /// The gRPC messages of `rows`' gRPC calls, as marks on their bars: a flat array, five numbers per
    /// message: the exchange id, the direction (0 client→server, 1 server→client), the time, the length
    /// as sent, and flags (1 compressed, 2 not decompressed).
    ///
    /// The capture does not time each message, only each body's first and last byte: a message is
    /// placed where its first byte lies in its body, between those two times.
    mutating func grpcMessages(_ rows: [ExchangeRow], store: LiveStore) {
        json.key("grpcMessages")
        json.beginArray()
        for row in rows where row.protocolLabel == "grpc" {
            guard let exchange = store.exchange(id: row.id), let call = exchange.grpc else { continue }
            let timing = row.timing
            grpcMarks(id: row.id, direction: 0, call.requestMessages, from: timing.requestStart, to: timing.requestEnd)
            if let start = timing.responseStart {
                grpcMarks(id: row.id, direction: 1, call.responseMessages, from: start, to: timing.responseEnd ?? start)
            }
        }
        json.endArray()
    }

    private mutating func grpcMarks(id: Int, direction: Int, _ messages: [GRPCMessage], from: Timestamp, to: Timestamp) {
        let total = messages.reduce(0) { $0 &+ 5 &+ $1.wireLength }
        let start = micros(from)
        let span = max(0, micros(to) - start)
        var offset = 0
        for message in messages {
            json.integer(id)
            json.integer(direction)
            let fraction = total > 0 ? Double(offset) / Double(total) : 0
            json.integer(start + Int64((Double(span) * fraction).rounded(.down)))
            json.integer(message.wireLength)
            json.integer((message.isCompressed ? 1 : 0) | (message.decodingError != nil ? 2 : 0))
            offset &+= 5 &+ message.wireLength
        }
    }
}
