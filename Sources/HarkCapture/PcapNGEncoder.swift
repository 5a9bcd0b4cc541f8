public import HarkCore
import NIOCore

/// Encodes pcapng blocks (little-endian, pcapng §4) into a byte buffer: the Section Header Block, one
/// Interface Description Block per interface the packets came from, Enhanced Packet Blocks with
/// nanosecond timestamps, and Decryption Secrets Blocks.
///
/// Pure encoding: `PcapNGRecorder` decides what to write and when, and writes the bytes out.
///
/// ### Example
/// ```swift
/// var encoder = PcapNGEncoder(application: "hark")
/// encoder.append(frame)
/// encoder.appendSecrets(.tlsKeyLog, keyLogLines)
/// let bytes = encoder.take()
/// ```
public struct PcapNGEncoder {
    /// Bytes encoded and not yet taken.
    public private(set) var bytes: [UInt8] = []
    /// The interfaces described so far: (source interface, link type) → the written interface's index.
    private var interfaces: [InterfaceKey: UInt32] = [:]

    private struct InterfaceKey: Hashable {
        var index: Int
        var linkType: LinkType
    }

    /// Starts the file with its Section Header Block, naming `application` as its writer.
    public init(application: String) {
        var options: [UInt8] = []
        Self.appendOption(code: 4, value: Array(application.utf8), to: &options)  // shb_userappl
        Self.appendOption(code: 0, value: [], to: &options)  // opt_endofopt
        var body: [UInt8] = []
        Self.appendUInt32(0x1A2B_3C4D, to: &body)  // byte-order magic
        Self.appendUInt16(1, to: &body)  // major version
        Self.appendUInt16(0, to: &body)  // minor version
        Self.appendUInt32(0xFFFF_FFFF, to: &body)  // section length: not given (64 bits of -1)
        Self.appendUInt32(0xFFFF_FFFF, to: &body)
        body += options
        appendBlock(type: 0x0A0D_0D0A, body: body)
    }

    /// Appends a packet as an Enhanced Packet Block, describing its interface first when it is new.
    public mutating func append(_ frame: CapturedFrame) {
        let interface = interfaceIndex(frame.interfaceIndex, frame.linkType)
        let captured = frame.data.readableBytes
        let timestamp = UInt64(clamping: frame.timestamp.nanoseconds)
        var header: [UInt8] = []
        header.reserveCapacity(20)
        Self.appendUInt32(interface, to: &header)
        Self.appendUInt32(UInt32(truncatingIfNeeded: timestamp >> 32), to: &header)
        Self.appendUInt32(UInt32(truncatingIfNeeded: timestamp), to: &header)
        Self.appendUInt32(UInt32(clamping: captured), to: &header)
        Self.appendUInt32(UInt32(clamping: max(frame.originalLength, captured)), to: &header)
        let padding = Self.padding(captured)
        appendBlockHeader(type: 6, bodyLength: header.count + captured + padding)
        bytes += header
        frame.data.withUnsafeReadableBytes { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: repeatElement(0, count: padding))
        appendBlockTrailer(bodyLength: header.count + captured + padding)
    }

    /// Appends a Decryption Secrets Block holding `secrets` (for `.tlsKeyLog`, NSS key log lines).
    public mutating func appendSecrets(_ type: SecretsType, _ secrets: some Collection<UInt8>) {
        var body: [UInt8] = []
        Self.appendUInt32(type.rawValue, to: &body)
        Self.appendUInt32(UInt32(clamping: secrets.count), to: &body)
        body += secrets
        body.append(contentsOf: repeatElement(0, count: Self.padding(secrets.count)))
        appendBlock(type: 0x0A, body: body)
    }

    /// Hands out the bytes encoded so far and forgets them.
    public mutating func take() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    /// The written index of a source interface, after appending its description when it is new:
    /// snapshot length 0 (no limit) and nanosecond timestamps (`if_tsresol` 9).
    private mutating func interfaceIndex(_ source: Int, _ linkType: LinkType) -> UInt32 {
        let key = InterfaceKey(index: source, linkType: linkType)
        if let known = interfaces[key] { return known }
        let index = UInt32(clamping: interfaces.count)
        interfaces[key] = index
        var body: [UInt8] = []
        Self.appendUInt16(UInt16(truncatingIfNeeded: linkType.rawValue), to: &body)
        Self.appendUInt16(0, to: &body)  // reserved
        Self.appendUInt32(0, to: &body)  // snapshot length: no limit
        Self.appendOption(code: 9, value: [9], to: &body)  // if_tsresol: 10^-9 s
        Self.appendOption(code: 0, value: [], to: &body)
        appendBlock(type: 1, body: body)
        return index
    }

    private mutating func appendBlock(type: UInt32, body: [UInt8]) {
        appendBlockHeader(type: type, bodyLength: body.count)
        bytes += body
        appendBlockTrailer(bodyLength: body.count)
    }

    private mutating func appendBlockHeader(type: UInt32, bodyLength: Int) {
        Self.appendUInt32(type, to: &bytes)
        Self.appendUInt32(UInt32(clamping: bodyLength + 12), to: &bytes)
    }

    private mutating func appendBlockTrailer(bodyLength: Int) {
        Self.appendUInt32(UInt32(clamping: bodyLength + 12), to: &bytes)
    }

    /// An option: code, length, value padded to 4 bytes.
    private static func appendOption(code: UInt16, value: [UInt8], to body: inout [UInt8]) {
        appendUInt16(code, to: &body)
        appendUInt16(UInt16(clamping: value.count), to: &body)
        body += value
        body.append(contentsOf: repeatElement(0, count: padding(value.count)))
    }

    /// The zero bytes that bring `length` to a multiple of 4.
    private static func padding(_ length: Int) -> Int {
        (4 - length % 4) % 4
    }

    private static func appendUInt16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }

    private static func appendUInt32(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
}
