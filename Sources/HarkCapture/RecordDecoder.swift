import HarkCore
import NIOCore

/// What a decoder made of the buffered bytes.
enum DecodeStep {
    /// The next record.
    case record(CaptureRecord)
    /// The next record needs this many readable bytes, counted from the buffer's reader index.
    case needBytes(Int)
}

/// Turns the bytes of one capture format into records, as a value without I/O: the reader feeds it
/// buffered bytes and refills when asked.
protocol RecordDecoder {
    /// Consumes bytes from `buffer` (whose index 0 lies at file offset `base`) up to the next record,
    /// reporting damage to `log` and skipping it. `atEnd` tells that no more bytes will come.
    mutating func decode(_ buffer: inout ByteBuffer, base: Int64, atEnd: Bool, log: inout DiagnosticLog)
        -> DecodeStep

    /// Reports what the input's end cut short: the `buffer` bytes left over could not be decoded.
    mutating func finish(_ buffer: ByteBuffer, base: Int64, log: inout DiagnosticLog)
}

/// The decoder of the format a reader detected. A closed set rather than `any RecordDecoder`, so that
/// the record loop is specialised for each format and runs without an existential per record.
enum FormatDecoder {
    case pcap(PcapDecoder)
    case pcapng(PcapNGDecoder)
}

/// Damage found in record framing, reported once resynchronisation has found where good data resumes
/// (or that none does), so that one diagnostic tells both what was wrong and how much was skipped.
struct Corruption {
    /// What was wrong (`captured length 4000000 exceeds the 262144-byte limit`).
    var message: String
    /// The packet number the damaged record would have had, when it was a packet record.
    var packetNumber: Int?
    /// Where the damaged record starts.
    var offset: Int64
    /// What the format's units are called in messages: `record` or `block`.
    var unit: String
    /// Whether a long search was already reported (`announceLongSkip`).
    var announced = false

    /// Says, once, that skipping is still under way: a search through megabytes of damage is not silent
    /// until it ends.
    mutating func announceLongSkip(log: inout DiagnosticLog) {
        announced = true
        log.report(.warning, "\(message); searching for the next plausible \(unit)…", packet: packetNumber, offset: offset)
    }

    /// Reports the damage once skipping ended at `end`: where a plausible record was found when
    /// `resumed`, else the end of the input.
    func report(skippingTo end: Int64, resumed: Bool, log: inout DiagnosticLog) {
        let skipped = end &- offset
        let text = resumed
            ? "\(message); skipped \(skipped) bytes to the next plausible \(unit)"
            : "\(message); no plausible \(unit) follows (skipped \(skipped) bytes to the end)"
        log.report(.error, text, packet: packetNumber, offset: offset)
    }
}
