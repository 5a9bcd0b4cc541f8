#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where `HARWriter` sends its bytes, in large chunks (a quarter megabyte by default).
public protocol HAROutputSink: AnyObject {
    /// Takes all of `bytes`, or throws. The pointer is valid only during the call.
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Writes to an open file descriptor (a file, a pipe, standard output), retrying short writes and
/// interrupted calls. It does not close the descriptor.
public final class HARFileDescriptorSink: HAROutputSink {
    /// The descriptor written to.
    public let fileDescriptor: Int32

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    /// - Throws: `HARWriterError.writeFailed` with the `errno` of a failed `write(2)`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            #if canImport(Darwin)
            let written = Darwin.write(fileDescriptor, base + offset, bytes.count - offset)
            #elseif canImport(Glibc)
            let written = Glibc.write(fileDescriptor, base + offset, bytes.count - offset)
            #else
            let written = Musl.write(fileDescriptor, base + offset, bytes.count - offset)
            #endif
            if written < 0 {
                if errno == EINTR { continue }
                throw HARWriterError.writeFailed(errno: errno)
            }
            offset += written
        }
    }
}

@available(*, unavailable)
extension HARFileDescriptorSink: Sendable {}

/// Collects the output in memory, for tests and for callers that serve a document whole.
public final class HARMemorySink: HAROutputSink {
    /// Everything written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        self.bytes.append(contentsOf: bytes)
    }
}

@available(*, unavailable)
extension HARMemorySink: Sendable {}
