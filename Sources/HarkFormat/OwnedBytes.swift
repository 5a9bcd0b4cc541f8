/// Bytes in memory that no one changes any more, taken whole from an ``OutputBuffer`` without copying
/// (``OutputBuffer/takeBytes()``): what a writer on one thread produced, for another thread to write
/// out.
///
/// Immutable once made, so it may cross threads; the storage is freed with the last reference.
public final class OwnedBytes: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    /// How many bytes there are.
    public let count: Int

    /// Takes over `base`, which holds `count` initialized bytes and is freed in `deinit`.
    init(taking base: UnsafeMutablePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    deinit {
        base.deallocate()
    }

    /// Calls `body` with the bytes; the pointer is valid only during the call.
    public func withBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
