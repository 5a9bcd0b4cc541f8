import NIOCore

/// Bounds-checked reads at offsets counted from the reader index: every read returns nil past the
/// readable bytes, so wire data can never make decoding trap.
extension ByteBuffer {
    @inline(__always)
    func byte(atOffset offset: Int) -> UInt8? {
        getInteger(at: readerIndex &+ offset, as: UInt8.self)
    }

    @inline(__always)
    func uint16(atOffset offset: Int) -> UInt16? {
        getInteger(at: readerIndex &+ offset, as: UInt16.self)
    }

    @inline(__always)
    func uint32(atOffset offset: Int, endianness: Endianness = .big) -> UInt32? {
        getInteger(at: readerIndex &+ offset, endianness: endianness, as: UInt32.self)
    }

    @inline(__always)
    func uint64(atOffset offset: Int) -> UInt64? {
        getInteger(at: readerIndex &+ offset, as: UInt64.self)
    }

    /// `length` bytes from `offset`, sharing this buffer's storage.
    @inline(__always)
    func slice(atOffset offset: Int, length: Int) -> ByteBuffer? {
        getSlice(at: readerIndex &+ offset, length: length)
    }
}
