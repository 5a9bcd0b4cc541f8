/// Where rendered output goes: a file descriptor, memory, or anything else that takes bytes.
///
/// Writers (``LineWriter``, `HARWriter`) collect their output in a buffer and hand it over in large
/// chunks (64 KiB to a quarter megabyte), so a sink sees few calls.
public protocol OutputSink: AnyObject {
    /// Takes all of `bytes`, or throws. The pointer is valid only during the call.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Collects the output in memory, for tests and for callers that serve a document whole.
public final class MemorySink: OutputSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    /// An empty sink.
    public init() {}

    /// Appends `bytes`; never throws.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

@available(*, unavailable)
extension MemorySink: Sendable {}
