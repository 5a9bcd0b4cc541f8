import Testing
import HarkCore
import HarkHTTP2
import HarkTestSupport
import NIOCore
import NIOHPACK

/// The client connection preface.
let preface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

/// One frame's bytes: header and payload (no padding added here).
func frame(_ type: HTTP2FrameType, _ flags: HTTP2FrameFlags = [], stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
    let length = payload.count
    var bytes: [UInt8] = [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
    bytes.append(type.rawValue)
    bytes.append(flags.rawValue)
    bytes += [UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)]
    return bytes + payload
}

/// A padded payload: pad length octet, content, padding.
func padded(_ content: [UInt8], padding: Int) -> [UInt8] {
    [UInt8(padding)] + content + Array(repeating: 0, count: padding)
}

/// A 32-bit big-endian integer's octets.
func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
}

/// A SETTINGS payload.
func settings(_ values: [(HTTP2SettingID, UInt32)]) -> [UInt8] {
    values.flatMap { [UInt8($0.0.rawValue >> 8), UInt8($0.0.rawValue & 0xff)] + be32($0.1) }
}

/// An HPACK encoder for one direction of a scripted connection.
struct Encoder {
    var hpack = HPACKEncoder(allocator: ByteBufferAllocator())

    /// The header block for `fields`, using the dynamic table.
    mutating func block(_ fields: [(String, String)]) -> [UInt8] {
        do {
            try hpack.beginEncoding(allocator: ByteBufferAllocator())
            try hpack.append(headers: fields.map { (name: $0.0, value: $0.1) })
            let buffer = try hpack.endEncoding()
            return Array(buffer.readableBytesView)
        } catch {
            return []
        }
    }
}

/// How the bytes of each step are cut into segments.
enum Feeding: CustomStringConvertible {
    case whole
    case byteByByte
    case randomSplits(seed: UInt64)

    var description: String {
        switch self {
        case .whole: "all at once"
        case .byteByByte: "one byte at a time"
        case .randomSplits(let seed): "random splits (seed \(seed))"
        }
    }
}

/// One scripted call to an analyzer, at a capture time in milliseconds.
enum Step {
    case client([UInt8], at: Int64 = 0)
    case server([UInt8], at: Int64 = 0)
    case gap(Direction, Int, at: Int64 = 0)
    case finish(at: Int64 = 0)
}

/// The timestamp of a scripted millisecond.
func ms(_ value: Int64) -> Timestamp { Timestamp(nanoseconds: value * 1_000_000) }

/// Cuts `bytes` into segments as `feeding` says.
func segments(_ bytes: [UInt8], _ feeding: Feeding, _ generator: inout SplitMix64) -> [ByteBuffer] {
    var result: [ByteBuffer] = []
    var start = 0
    while start < bytes.count {
        let length: Int
        switch feeding {
        case .whole: length = bytes.count
        case .byteByByte: length = 1
        case .randomSplits: length = Int(generator.next() % UInt64(max(1, bytes.count / 3))) + 1
        }
        let end = min(bytes.count, start + length)
        result.append(ByteBuffer(bytes: bytes[start..<end]))
        start = end
    }
    return result
}

/// Runs `script` through `analyzer`, cutting data as `feeding` says.
func run(_ script: [Step], feeding: Feeding, analyzer: HTTP2Analyzer = HTTP2Analyzer()) -> [HTTP2Event] {
    var analyzer = analyzer
    var events: [HTTP2Event] = []
    var generator = SplitMix64(seed: { if case .randomSplits(let seed) = feeding { seed } else { 0 } }())
    for step in script {
        switch step {
        case .client(let bytes, let time):
            for segment in segments(bytes, feeding, &generator) {
                analyzer.receive(segment, from: .clientToServer, at: ms(time)) { events.append($0) }
            }
        case .server(let bytes, let time):
            for segment in segments(bytes, feeding, &generator) {
                analyzer.receive(segment, from: .serverToClient, at: ms(time)) { events.append($0) }
            }
        case .gap(let direction, let length, let time):
            analyzer.gap(length, in: direction, at: ms(time)) { events.append($0) }
        case .finish(let time):
            analyzer.finish(.clientToServer, at: ms(time)) { events.append($0) }
            analyzer.finish(.serverToClient, at: ms(time)) { events.append($0) }
        }
    }
    return events
}

/// Runs `script` whole, byte by byte and with random splits, expects identical events, returns them.
func runAllWays(_ script: [Step], analyzer: HTTP2Analyzer = HTTP2Analyzer()) -> [HTTP2Event] {
    let reference = run(script, feeding: .whole, analyzer: analyzer)
    for feeding in [Feeding.byteByByte, .randomSplits(seed: 1), .randomSplits(seed: 7)] {
        let events = run(script, feeding: feeding, analyzer: analyzer)
        #expect(events == reference, "events differ when fed \(feeding)")
    }
    return reference
}

extension [HTTP2Event] {
    /// The exchanges, in order.
    var exchanges: [HTTP2Exchange] {
        compactMap { if case .exchange(let exchange) = $0 { exchange } else { nil } }
    }

    /// The diagnostics, in order.
    var diagnostics: [HTTP2Diagnostic] {
        compactMap { if case .diagnostic(let diagnostic) = $0 { diagnostic } else { nil } }
    }
}
