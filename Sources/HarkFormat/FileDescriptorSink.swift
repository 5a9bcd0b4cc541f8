#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to an open file descriptor (a file, a pipe, a terminal), one `write(2)` per chunk unless the
/// kernel takes less, retrying short writes and interrupted calls. It does not close the descriptor.
///
/// A reader that goes away (`EPIPE`, when `SIGPIPE` is ignored) or a full disk is reported as an
/// ``OutputSinkError``, never a crash; ``LineWriter`` then drops the rest of its output.
public final class FileDescriptorSink: OutputSink {
    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// Whether the descriptor is a terminal: output for people may use colours and flush every line.
    public let isTerminal: Bool

    /// - Parameter fileDescriptor: an open descriptor, left open by the sink.
    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        self.isTerminal = isatty(fileDescriptor) == 1
    }

    /// Standard output.
    public static func standardOutput() -> FileDescriptorSink {
        FileDescriptorSink(fileDescriptor: STDOUT_FILENO)
    }

    /// Standard error.
    public static func standardError() -> FileDescriptorSink {
        FileDescriptorSink(fileDescriptor: STDERR_FILENO)
    }

    /// Writes all of `bytes`. A descriptor in non-blocking mode (inherited from a parent) is waited on
    /// with `poll(2)` rather than spun on.
    ///
    /// - Throws: ``OutputSinkError`` with the `errno` of a failed `write(2)`; `EIO` when the kernel
    ///   accepts nothing without saying why.
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
            if written > 0 {
                offset += written
                continue
            }
            let code = written == 0 ? EIO : errno
            switch code {
            case EINTR: continue
            case EAGAIN: try waitUntilWritable()
            default: throw OutputSinkError(fileDescriptor: fileDescriptor, errno: code)
            }
        }
    }

    private func waitUntilWritable() throws {
        var request = pollfd(fd: fileDescriptor, events: Int16(POLLOUT), revents: 0)
        while poll(&request, 1, -1) < 0 {
            guard errno == EINTR else { throw OutputSinkError(fileDescriptor: fileDescriptor, errno: errno) }
        }
    }
}

@available(*, unavailable)
extension FileDescriptorSink: Sendable {}

/// A `write(2)` to a ``FileDescriptorSink`` failed.
public struct OutputSinkError: Error, Hashable, CustomStringConvertible {
    /// The descriptor written to.
    public let fileDescriptor: Int32
    /// Why, as `errno` (`EPIPE`, `ENOSPC`, `EBADF`, …).
    public let errno: Int32

    /// - Parameters:
    ///   - fileDescriptor: the descriptor written to.
    ///   - errno: the error number of the failed call.
    public init(fileDescriptor: Int32, errno: Int32) {
        self.fileDescriptor = fileDescriptor
        self.errno = errno
    }

    /// Whether the reader of a pipe or socket went away (`EPIPE`, as when `hark … | head` has read
    /// enough): the usual response is to stop writing quietly.
    public var isBrokenPipe: Bool {
        errno == EPIPE
    }

    /// `cannot write the output: No space left on device` (standard output, as a HAR writer says it
    /// too), `cannot write to file descriptor 5: Broken pipe` for another descriptor.
    public var description: String {
        let target = fileDescriptor == STDOUT_FILENO ? "the output" : "to file descriptor \(fileDescriptor)"
        return "cannot write \(target): \(String(cString: strerror(errno)))"
    }
}
