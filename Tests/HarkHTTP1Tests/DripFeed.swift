import HarkCore
import HarkHTTP1
import HarkTestSupport
import NIOCore
import Testing

/// One scripted call to an `HTTP1Analyzer`, at a capture time in milliseconds.
enum Step {
    case client(String, at: Int64 = 0)
    case server(String, at: Int64 = 0)
    case bytes(Direction, [UInt8], at: Int64 = 0)
    case gap(Direction, Int, at: Int64 = 0)
    case finish(Direction, at: Int64 = 0)
    /// Both directions end: client first, then server.
    static func finishBoth(at time: Int64 = 0) -> [Step] {
        [.finish(.clientToServer, at: time), .finish(.serverToClient, at: time)]
    }
}

/// How the bytes of each step are cut into segments.
enum Feeding: CustomStringConvertible, Sendable {
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

/// The timestamp of a scripted millisecond.
func ms(_ value: Int64) -> Timestamp { Timestamp(nanoseconds: value * 1_000_000) }

/// Runs `script` through a fresh analyzer, cutting every data step as `feeding` says.
func run(_ script: [Step], feeding: Feeding, limits: HTTP1Limits = .init()) -> [HTTP1Event] {
    var analyzer = HTTP1Analyzer(limits: limits)
    var events: [HTTP1Event] = []
    var generator = SplitMix64(seed: { if case .randomSplits(let seed) = feeding { seed } else { 0 } }())
    func feed(_ bytes: [UInt8], _ direction: Direction, _ time: Int64) {
        var start = 0
        while start < bytes.count {
            let length: Int
            switch feeding {
            case .whole: length = bytes.count
            case .byteByByte: length = 1
            case .randomSplits: length = Int(generator.next() % UInt64(max(1, bytes.count / 3))) + 1
            }
            let end = min(bytes.count, start + length)
            analyzer.receive(ByteBuffer(bytes: bytes[start..<end]), from: direction, at: ms(time)) { events.append($0) }
            start = end
        }
    }
    for step in script {
        switch step {
        case .client(let text, let time): feed(Array(text.utf8), .clientToServer, time)
        case .server(let text, let time): feed(Array(text.utf8), .serverToClient, time)
        case .bytes(let direction, let bytes, let time): feed(bytes, direction, time)
        case .gap(let direction, let length, let time):
            analyzer.gap(length, in: direction, at: ms(time)) { events.append($0) }
        case .finish(let direction, let time):
            analyzer.finish(direction, at: ms(time)) { events.append($0) }
        }
    }
    return events
}

/// Runs `script` whole, byte by byte and with random splits, expects identical events, and returns them.
func runAllWays(
    _ script: [Step],
    limits: HTTP1Limits = .init(),
    sourceLocation: SourceLocation = #_sourceLocation
) -> [HTTP1Event] {
    let reference = run(script, feeding: .whole, limits: limits).coalescingTunnelData()
    for feeding in [Feeding.byteByByte, .randomSplits(seed: 1), .randomSplits(seed: 7)] {
        let events = run(script, feeding: feeding, limits: limits).coalescingTunnelData()
        #expect(events == reference, "events differ when fed \(feeding)", sourceLocation: sourceLocation)
    }
    return reference
}

/// Lines joined with CRLF: `wire("GET / HTTP/1.1", "Host: a", "", "")` is a complete head.
func wire(_ lines: String...) -> String { lines.joined(separator: "\r\n") }

extension [HTTP1Event] {
    /// Adjacent tunnel data of one direction and time joined: tunnel bytes follow the segmentation,
    /// which is all that may differ between feedings.
    func coalescingTunnelData() -> [HTTP1Event] {
        var result: [HTTP1Event] = []
        for event in self {
            if case .tunnelData(let direction, var bytes, let time) = event,
                case .tunnelData(direction, var earlier, time)? = result.last
            {
                earlier.writeBuffer(&bytes)
                result[result.count - 1] = .tunnelData(direction, earlier, time)
            } else {
                result.append(event)
            }
        }
        return result
    }

    /// The exchanges, in order.
    var exchanges: [HTTP1Exchange] {
        compactMap { if case .exchange(let exchange) = $0 { exchange } else { nil } }
    }

    /// The diagnostics, in order.
    var diagnostics: [HTTP1Diagnostic] {
        compactMap { if case .diagnostic(let diagnostic) = $0 { diagnostic } else { nil } }
    }

    /// Tunnel bytes of one direction, concatenated.
    func tunnelText(_ direction: Direction) -> String {
        var text = ""
        for case .tunnelData(let dataDirection, let bytes, _) in self where dataDirection == direction {
            text += String(buffer: bytes)
        }
        return text
    }
}

extension ByteBuffer {
    /// The readable bytes as UTF-8 text.
    var text: String { String(buffer: self) }
}
