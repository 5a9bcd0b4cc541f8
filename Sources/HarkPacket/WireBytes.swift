/// Bounds-checked big-endian reads over a frame's bytes: every read past either end returns nil, so
/// wire data can never make decoding trap.
///
/// Decoding reads through one `ByteBuffer.withUnsafeReadableBytes` call per frame rather than one
/// `getInteger` per field: each `ByteBuffer` access pays a dynamic exclusivity check (`swift_beginAccess`),
/// which made a field-by-field decode of an Ethernet/IPv4/TCP frame take about 300 ns instead of about
/// 65 ns. A `WireBytes` must not outlive the closure that made it.
struct WireBytes {
    let raw: UnsafeRawBufferPointer

    @inline(__always)
    var count: Int { raw.count }

    @inline(__always)
    func byte(_ offset: Int) -> UInt8? {
        guard offset >= 0, offset < raw.count else { return nil }
        return raw.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inline(__always)
    func uint16(_ offset: Int) -> UInt16? {
        guard offset >= 0, offset <= raw.count &- 2 else { return nil }
        return UInt16(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func uint32(_ offset: Int) -> UInt32? {
        guard offset >= 0, offset <= raw.count &- 4 else { return nil }
        return UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func uint64(_ offset: Int) -> UInt64? {
        guard offset >= 0, offset <= raw.count &- 8 else { return nil }
        return UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
