/// A W3C Trace Context (https://www.w3.org/TR/trace-context/) a request carried: the trace it belongs to
/// and the span that sent it.
public struct TraceContext: Hashable, Sendable {
    /// 16 bytes, not all zero.
    public var traceID: [UInt8]
    /// The sender's span id: 8 bytes, not all zero.
    public var parentSpanID: [UInt8]
    /// The `tracestate` header, as sent (several fields joined with `,`); empty when absent.
    public var traceState: String

    /// The context of a `traceparent` header (`00-<32 hex>-<16 hex>-<2 hex>`, §3.2), nil when it is
    /// malformed, has an all-zero id, or is version `ff`. Later versions are read by their first four
    /// fields, as §3.2.4 asks.
    public init?(traceparent: String, tracestate: String = "") {
        let fields = traceparent.trimmingSpaces.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, let version = Self.hexBytes(fields[0]), version.count == 1, version != [0xFF],
            version != [0] || fields.count == 4,
            let traceID = Self.hexBytes(fields[1]), traceID.count == 16, traceID.contains(where: { $0 != 0 }),
            let spanID = Self.hexBytes(fields[2]), spanID.count == 8, spanID.contains(where: { $0 != 0 }),
            let flags = Self.hexBytes(fields[3]), flags.count == 1
        else { return nil }
        self.traceID = traceID
        self.parentSpanID = spanID
        self.traceState = tracestate
    }

    /// Lower-case hex digits as bytes; nil for anything else or an odd count.
    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index + 1 < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (optional whitespace around a header value).
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = firstIndex { !isSpace($0) } ?? endIndex
        let end = lastIndex { !isSpace($0) }.map(index(after:)) ?? start
        return self[start..<end]
    }
}

/// Trace and span ids derived from what identifies an exchange, so that running hark twice over the same
/// capture gives the same ids (and a backend de-duplicates a re-sent capture).
struct StableIDs {
    private var hash = StableHash()

    /// Mixes in one identifying value.
    mutating func add(_ value: Int64) {
        hash.add(UInt64(bitPattern: value))
    }

    /// Mixes in a string's bytes and its length.
    mutating func add(_ text: String) {
        for byte in text.utf8 { hash.add(UInt64(byte)) }
        hash.add(UInt64(text.utf8.count))
    }

    /// 16 bytes, never all zero.
    var traceID: [UInt8] { hash.bytes(seed: 1) + hash.bytes(seed: 2) }
    /// 8 bytes, never all zero.
    var spanID: [UInt8] { hash.bytes(seed: 3) }
}

/// FNV-1a over 64-bit words, finished by SplitMix64's mixer per seed: stable across runs and machines
/// (unlike `Hasher`, which is seeded per process).
private struct StableHash {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func add(_ word: UInt64) {
        state = (state ^ word) &* 0x0000_0100_0000_01B3
    }

    /// Eight bytes of the mixed state, big-endian; a zero result is replaced, since OTLP treats all-zero
    /// ids as invalid.
    func bytes(seed: UInt64) -> [UInt8] {
        var z = state &+ seed &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        if z == 0 { z = 1 }
        return (0..<8).map { UInt8(truncatingIfNeeded: z >> (56 - 8 * UInt64($0))) }
    }
}
