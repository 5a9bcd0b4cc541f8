/// A growable byte buffer written through raw pointers: JSON and text output append a byte or a short
/// run per token, and `Array.append` or `ByteBuffer.writeInteger` cost several times the copy itself.
///
/// Non-copyable, so the storage has exactly one owner and is freed in `deinit`. Every write first
/// reserves the room it needs; `count` never exceeds the capacity.
public struct OutputBuffer: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written since the last `removeAll()`.
    public private(set) var count = 0

    /// - Parameter capacity: the initial storage in bytes (at least 64); it doubles as needed.
    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        self.base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Ensures room for `additional` more bytes, doubling the storage as needed.
    @inline(__always)
    public mutating func reserve(_ additional: Int) {
        if capacity &- count < additional { grow(minimum: count + additional) }
    }

    private mutating func grow(minimum: Int) {
        var newCapacity = capacity
        while newCapacity < minimum { newCapacity = newCapacity &* 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.initialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        (base + count).initialize(to: byte)
        count &+= 1
    }

    /// Appends a run of bytes.
    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).initialize(from: source, count: bytes.count)
        count &+= bytes.count
    }

    /// Appends `count` copies of `byte`.
    public mutating func append(repeating byte: UInt8, count repeats: Int) {
        guard repeats > 0 else { return }
        reserve(repeats)
        (base + count).initialize(repeating: byte, count: repeats)
        count &+= repeats
    }

    /// Reserves `maximum` bytes, lets `body` write up to that many at the given pointer, and keeps the
    /// number it returns (clamped to `0...maximum`).
    ///
    /// - Parameters:
    ///   - maximum: the most bytes `body` may write.
    ///   - body: writes at the pointer and returns how many bytes it wrote.
    @inline(__always)
    public mutating func write(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        reserve(maximum)
        let written = body(base + count)
        count &+= min(max(written, 0), maximum)
    }

    /// Calls `body` with the bytes written so far; the pointer is valid only during the call.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// Hands the bytes written over, and starts again empty. The storage goes with them uncopied when
    /// they fill at least half of it (the buffer then starts again with the smallest storage); bytes
    /// that fill less are copied into storage of their size and the buffer keeps its own, so that what
    /// is taken holds no idle room (a small HAR entry would otherwise keep its writer's 4 KiB).
    public mutating func takeBytes() -> OwnedBytes {
        if count < capacity / 2 {
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(count, 1))
            copy.initialize(from: base, count: count)
            let taken = OwnedBytes(taking: copy, count: count)
            count = 0
            return taken
        }
        let taken = OwnedBytes(taking: base, count: count)
        capacity = 64
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        count = 0
        return taken
    }

    /// Forgets the content and keeps the storage.
    public mutating func removeAll() {
        count = 0
    }
}
