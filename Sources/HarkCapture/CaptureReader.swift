#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import HarkCore
public import NIOCore

/// Reads a pcap or pcapng capture record by record, from a file, standard input or memory.
///
/// The format is detected from the magic number. Input is read in large chunks and never held whole;
/// frames are zero-copy slices of those chunks. On a pipe (`tcpdump -U -w - | hark …`) every complete
/// record is delivered as soon as it has arrived: `next()` blocks only when no complete record is
/// buffered. Damage (corrupt headers, a file cut short) becomes a `Diagnostic` and reading goes on
/// from the next plausible record.
///
/// A reader has a single owner: it is not `Sendable`.
public final class CaptureReader: CaptureInput, Sequence, IteratorProtocol {
    /// The capture's name in diagnostics: its path, or `-` for standard input.
    public let name: String
    /// The detected format.
    public let format: CaptureFormat
    /// Everything `next()` changes, in one stored property so that reading a record costs one
    /// exclusivity check rather than one per property.
    private var state: ReadState
    /// The descriptor to close when done, if this reader opened it.
    private let ownedDescriptor: Int32?

    /// Opens the capture at `path`; `-` reads standard input.
    ///
    /// - Parameter followUntil: follows a file that another program still writes (`tail -f`): at its
    ///   end, reading waits for more (a record cut by the end waits for its rest) until `followUntil`
    ///   returns true, which it is asked about ten times a second while waiting. Nil reads to the end.
    /// - Throws: `CaptureError` when the file cannot be read, is empty, or is not a capture.
    public convenience init(
        path: String,
        limits: CaptureLimits = CaptureLimits(),
        followUntil: (() -> Bool)? = nil
    ) throws(CaptureError) {
        if path == "-" {
            let input = ChunkedInput(descriptor: STDIN_FILENO, chunkSize: limits.chunkSize)
            try self.init(input: input, owned: nil, name: path, limits: limits)
            return
        }
        let descriptor: Int32
        do {
            descriptor = try ChunkedInput.openForReading(path: path)
        } catch {
            throw CaptureError(file: path, code: .cannotOpen, reason: "cannot open: \(error.message)")
        }
        try self.init(
            input: ChunkedInput(descriptor: descriptor, chunkSize: limits.chunkSize, followUntil: followUntil),
            owned: descriptor,
            name: path,
            limits: limits
        )
    }

    /// Reads a capture from an open file descriptor, which stays open and owned by the caller.
    ///
    /// - Parameter name: what diagnostics call the input.
    /// - Throws: `CaptureError` when the input cannot be read, is empty, or is not a capture.
    public convenience init(fileDescriptor: Int32, name: String, limits: CaptureLimits = CaptureLimits())
        throws(CaptureError)
    {
        try self.init(
            input: ChunkedInput(descriptor: fileDescriptor, chunkSize: limits.chunkSize),
            owned: nil,
            name: name,
            limits: limits
        )
    }

    /// Reads a capture held in memory; file offsets count from the buffer's reader index.
    ///
    /// - Throws: `CaptureError` when the bytes are empty or not a capture.
    public convenience init(bytes: ByteBuffer, name: String, limits: CaptureLimits = CaptureLimits())
        throws(CaptureError)
    {
        try self.init(input: ChunkedInput(bytes: bytes), owned: nil, name: name, limits: limits)
    }

    private init(input: ChunkedInput, owned: Int32?, name: String, limits: CaptureLimits) throws(CaptureError) {
        var input = input
        self.ownedDescriptor = owned
        self.name = name
        let decoder: FormatDecoder
        do {
            (self.format, decoder) = try Self.detect(&input, name: name, limits: limits)
        } catch {
            if let owned { close(owned) }
            throw error
        }
        self.state = ReadState(
            input: input,
            decoder: decoder,
            log: DiagnosticLog(file: name, capacity: limits.maximumStoredDiagnostics)
        )
    }

    deinit {
        if let ownedDescriptor { close(ownedDescriptor) }
    }

    /// Bytes read from the input so far.
    public var bytesRead: Int64 { state.input.bytesRead }

    /// Whether reading may wait for bytes not written yet: true for a pipe, terminal or socket (a live
    /// capture), false for a regular file or memory.
    public var waitsForInput: Bool { state.input.waitsForInput }

    /// A file or memory never waits, so a batch holds what there is; a pipe's read waits for its whole
    /// batch.
    public var returnsPartialBatches: Bool { !waitsForInput }

    /// Set when the last `read` returned early because the input had been quiet for a while (a pipe or
    /// a followed file, after a quarter of a second without a byte): how long ago bytes last came.
    public var idleTime: TimeSpan? { state.idleTime }

    /// The diagnostics found so far and not yet taken.
    public var diagnostics: [Diagnostic] { state.log.entries }

    /// Whether diagnostics wait to be taken (cheaper than `takeDiagnostics()` once per record).
    public var hasDiagnostics: Bool { !state.log.entries.isEmpty }

    /// How many diagnostics were dropped because `CaptureLimits.maximumStoredDiagnostics` were already
    /// waiting to be taken.
    public var droppedDiagnosticCount: Int { state.log.droppedCount }

    /// Returns the diagnostics found so far and forgets them.
    public func takeDiagnostics() -> [Diagnostic] {
        state.log.take()
    }

    /// The next record, or nil at the end of the input. Blocks while the input has no complete record,
    /// however long it stays quiet.
    public func next() -> CaptureRecord? {
        state.next()
    }

    /// Reads a batch of records: hands each diagnostic to `diagnostic` as soon as it is found (a
    /// record's diagnostics before the record) and each record to `record`, until `maximumFrames`
    /// frames or `maximumBytes` captured bytes were handed out, or the input ends. The diagnostics of
    /// the end of the input are left for `takeDiagnostics()`. An input that waits (a pipe, a followed
    /// file) also returns after a quarter of a second without a byte, perhaps with no record, setting
    /// `idleTime`.
    ///
    /// One access to the reader's state serves the whole batch, where `next()` pays one per record, so
    /// the closures must not use the reader. Blocks while the input has no complete record.
    ///
    /// - Returns: false once the input has ended.
    public func read(
        maximumFrames: Int,
        maximumBytes: Int,
        record: (CaptureRecord) -> Void,
        diagnostic: (Diagnostic) -> Void
    ) -> Bool {
        state.read(maximumFrames: maximumFrames, maximumBytes: maximumBytes, record: record, diagnostic: diagnostic)
    }

    /// Reads the magic number and picks the decoder, or throws when the input is no capture.
    private static func detect(_ input: inout ChunkedInput, name: String, limits: CaptureLimits)
        throws(CaptureError) -> (CaptureFormat, FormatDecoder)
    {
        let need = PcapDecoder.fileHeaderLength
        do {
            // A pipe may stay quiet before its first bytes (`tcpdump -w -` waits for traffic): the
            // header is waited for through idle ticks, and only the input's end means it is empty.
            repeat {
                try input.fill(toReadable: need)
            } while input.idleTime != nil
        } catch {
            throw CaptureError(file: name, code: .readFailed, reason: "read failed: \(error.message)")
        }
        let buffer = input.buffer
        guard buffer.readableBytes > 0 else { throw CaptureError(file: name, code: .empty, reason: "file is empty") }
        let firstBytes = buffer.getBytes(at: buffer.readerIndex, length: Swift.min(buffer.readableBytes, 16)) ?? []
        guard let magic = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
            let format = CaptureFormat(magic: magic)
        else {
            if let compression = CaptureFormat.compression(startingWith: firstBytes) {
                let reason = "compressed with \(compression); decompress it first"
                throw CaptureError(file: name, code: .compressed, reason: reason)
            }
            throw CaptureError.notACapture(file: name, firstBytes: firstBytes)
        }
        let headerLength = format == .pcapng ? 12 : need
        guard buffer.readableBytes >= headerLength else {
            let reason = "file ends inside the \(format) file header: \(buffer.readableBytes) of \(headerLength) bytes"
            throw CaptureError(file: name, code: .truncatedHeader, reason: reason)
        }
        switch format {
        case let .pcap(nanosecond, bigEndian):
            return (format, .pcap(PcapDecoder(bigEndian: bigEndian, nanosecond: nanosecond, modified: false, limits: limits)))
        case let .modifiedPcap(bigEndian):
            return (format, .pcap(PcapDecoder(bigEndian: bigEndian, nanosecond: false, modified: true, limits: limits)))
        case .pcapng:
            let byteOrder = buffer.getInteger(at: buffer.readerIndex &+ 8, as: UInt32.self) ?? 0
            guard byteOrder == 0x1A2B_3C4D || byteOrder == 0x4D3C_2B1A else {
                let reason = "pcapng section header has an unknown byte-order magic 0x\(String(byteOrder, radix: 16))"
                throw CaptureError(file: name, code: .badSectionHeader, reason: reason)
            }
            return (format, .pcapng(PcapNGDecoder(limits: limits)))
        }
    }
}

@available(*, unavailable)
extension CaptureReader: Sendable {}
