import NIOCore
import NIOHPACK

/// HPACK decoding for one direction of a connection: NIOHPACK's `HPACKDecoder` over whole blocks while
/// the dynamic table's history is known, field by field when it is not.
///
/// When the capture starts mid-connection, the dynamic table holds entries hark never saw. Entries added
/// after the capture started sit at the low dynamic indices, so references to them still resolve;
/// references beyond them fail. Decoding then goes one representation at a time: literal fields decode,
/// references to unknown entries become `UnresolvedField`s, and a literal with an unknown name that the
/// peer adds to its table is added too (under the name `?`), so that later indices stay aligned.
struct HeaderBlockDecoder {
    /// What went wrong with a block.
    enum Problem: Hashable {
        /// Fields referenced dynamic table entries added before the capture started.
        case unresolvedReferences(Int)
        /// The block could not be decoded past some point.
        case malformed(String)
        /// The decoded list exceeded `HTTP2Limits.maxHeaderListSize`; the rest was dropped.
        case listTooLarge
    }

    /// The name given to table entries whose real name is unknown.
    static let unknownName = "?"

    private var hpack: HPACKDecoder
    /// False once the dynamic table may hold entries hark never saw.
    private(set) var historyKnown: Bool
    private let maxListSize: Int
    private let maxTableSize: Int

    /// A decoder for a direction; `historyKnown` is false for a capture that starts mid-connection.
    init(historyKnown: Bool, limits: HTTP2Limits) {
        self.historyKnown = historyKnown
        self.maxListSize = limits.maxHeaderListSize
        self.maxTableSize = limits.maxHeaderTableSize
        self.hpack = HPACKDecoder(
            allocator: ByteBufferAllocator(),
            maxDynamicTableSize: min(HPACKDecoder.maxDynamicTableSize, limits.maxHeaderTableSize),
            maxHeaderListSize: limits.maxHeaderListSize
        )
    }

    /// Applies the decoding peer's SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2), capped by the limits.
    mutating func setMaxTableSize(_ size: UInt32) {
        hpack.maxDynamicTableLength = min(Int(size), maxTableSize)
    }

    /// The dynamic table's current protocol maximum (from SETTINGS, or as announced mid-connection).
    var maxDynamicTableLength: Int { hpack.maxDynamicTableLength }

    /// Notes that header blocks were lost (a capture gap): later references may point at entries they
    /// added.
    mutating func loseHistory() {
        historyKnown = false
    }

    /// Decodes one complete header block.
    mutating func decode(_ block: ByteBuffer) -> (HTTP2HeaderBlock, Problem?) {
        if historyKnown {
            var bytes = block
            do {
                let headers = try hpack.decodeHeaders(from: &bytes)
                var result = HTTP2HeaderBlock(encodedSize: block.readableBytes)
                for header in headers { result.append(name: header.name, value: header.value) }
                return (result, nil)
            } catch {
                // The table may now be out of step with the peer's: decode field by field from here on.
                historyKnown = false
            }
        }
        return decodeFieldByField(block)
    }

    private mutating func decodeFieldByField(_ block: ByteBuffer) -> (HTTP2HeaderBlock, Problem?) {
        var result = HTTP2HeaderBlock(encodedSize: block.readableBytes)
        var remaining = block
        var listSize = 0
        while remaining.readableBytes > 0 {
            guard let field = HPACKRepresentation.read(from: &remaining),
                var slice = block.getSlice(at: field.start, length: field.end - field.start)
            else {
                result.isDamaged = true
                return (result, .malformed("HPACK field representation cut or malformed"))
            }
            if field.kind == .sizeUpdate, field.index > hpack.maxDynamicTableLength {
                // Lenient: the peer's SETTINGS were not seen; accept the size it announces, within limits.
                hpack.maxDynamicTableLength = min(field.index, maxTableSize)
            }
            do {
                for header in try hpack.decodeHeaders(from: &slice) {
                    if header.name == Self.unknownName {
                        result.unresolved.append(.init(index: field.index, value: header.value))
                    } else {
                        result.append(name: header.name, value: header.value)
                    }
                    listSize += header.name.utf8.count + header.value.utf8.count + 32
                }
            } catch is NIOHPACKErrors.InvalidHeaderIndex {
                result.unresolved.append(.init(index: field.index, value: recoverValue(block, field)))
            } catch {
                result.isDamaged = true
                return (result, .malformed(String(describing: error)))
            }
            if listSize > maxListSize {
                result.isDamaged = true
                return (result, .listTooLarge)
            }
        }
        return (result, result.unresolved.isEmpty ? nil : .unresolvedReferences(result.unresolved.count))
    }

    /// Decodes the value of a literal whose name index is unknown, adding a `?`-named entry to the table
    /// when the peer added one, so that indices stay aligned.
    private mutating func recoverValue(_ block: ByteBuffer, _ field: HPACKRepresentation) -> String? {
        guard field.kind != .indexed, field.kind != .sizeUpdate,
            let value = block.getSlice(at: field.valueStart, length: field.end - field.valueStart)
        else { return nil }
        var synthetic = ByteBuffer()
        synthetic.writeInteger(field.kind == .literalIncremental ? UInt8(0x40) : UInt8(0x00))
        synthetic.writeInteger(UInt8(1))
        synthetic.writeString(Self.unknownName)
        synthetic.writeImmutableBuffer(value)
        return (try? hpack.decodeHeaders(from: &synthetic))?.first?.value
    }
}
