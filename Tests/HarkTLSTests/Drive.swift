import HarkCore
import HarkTLS
import HarkTestSupport
import NIOCore

/// The bytes a string of hex digits spells (test vectors are written in hex).
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var high: UInt8?
    for character in text.utf8 {
        guard let nibble = UInt8(String(UnicodeScalar(character)), radix: 16) else { continue }
        if let pending = high {
            bytes.append(pending << 4 | nibble)
            high = nil
        } else {
            high = nibble
        }
    }
    return bytes
}

/// How a script's chunks are cut into deliveries.
enum Split: CustomStringConvertible, CaseIterable {
    case whole
    case byteByByte
    case random

    var description: String {
        switch self {
        case .whole: "whole"
        case .byteByByte: "byte by byte"
        case .random: "random"
        }
    }
}

/// Everything an analyzer emitted for one run.
struct Transcript {
    var events: [TLSEvent] = []
    var session = TLSSessionInfo()

    func plaintext(_ direction: Direction) -> [UInt8] {
        events.flatMap { event -> [UInt8] in
            guard case .plaintext(direction, let bytes, _) = event else { return [] }
            return Array(bytes.readableBytesView)
        }
    }

    func gapBytes(_ direction: Direction) -> Int {
        events.reduce(0) { total, event in
            guard case .plaintextGap(direction, let count, _) = event else { return total }
            return total + count
        }
    }

    var diagnostics: [TLSDiagnostic] {
        events.compactMap { event in
            guard case .diagnostic(let diagnostic) = event else { return nil }
            return diagnostic
        }
    }

    var completions: [TLSSessionInfo] {
        events.compactMap { event in
            guard case .handshakeCompleted(let info) = event else { return nil }
            return info
        }
    }

    var closed: [Direction] {
        events.compactMap { event in
            guard case .closed(let direction, _) = event else { return nil }
            return direction
        }
    }
}

/// Feeds `script` (each chunk one direction's bytes) to a fresh analyzer, cut as `split` says, then ends
/// both directions.
func run(
    _ script: [(Direction, [UInt8])],
    keyLog: TLSKeyLog,
    split: Split = .whole,
    limits: TLSLimits = TLSLimits(),
    seed: UInt64 = 7
) -> Transcript {
    var analyzer = TLSAnalyzer(keyLog: keyLog, limits: limits)
    var transcript = Transcript()
    var random = SplitMix64(seed: seed)
    var tick: Int64 = 0
    for (direction, bytes) in script {
        var start = 0
        while start < bytes.count {
            let length: Int
            switch split {
            case .whole: length = bytes.count - start
            case .byteByByte: length = 1
            case .random: length = Int.random(in: 1...max(1, min(bytes.count - start, 700)), using: &random)
            }
            tick += 1
            analyzer.receive(
                ByteBuffer(bytes: bytes[start..<(start + length)]), from: direction, at: Timestamp(nanoseconds: tick)
            ) {
                transcript.events.append($0)
            }
            start += length
        }
    }
    for direction in Direction.allCases {
        analyzer.finish(direction, at: Timestamp(nanoseconds: tick + 1)) { transcript.events.append($0) }
    }
    transcript.session = analyzer.session
    return transcript
}
