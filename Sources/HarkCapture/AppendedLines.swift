import Glibc

/// A text file read as it grows, a line at a time (a key log another program appends to): each `read`
/// returns the complete lines appended since the last one. A file replaced under the same path (a
/// writer that recreated it) is read again from its start.
public final class AppendedLines {
    /// The file's path.
    public let path: String
    /// The most bytes read from the file over its life; what lies beyond is ignored.
    public let maximumBytes: Int
    private var descriptor: Int32 = -1
    /// Bytes of a line not yet ended by a newline.
    private var partial: [UInt8] = []
    private var totalBytes = 0

    /// Why the file could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        /// The `errno` of the failed call.
        public let code: Int32

        public var description: String { String(cString: strerror(code)) }
    }

    public init(path: String, maximumBytes: Int) {
        self.path = path
        self.maximumBytes = maximumBytes
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// The complete lines appended since the last call, each with its newline; empty when no line was
    /// completed.
    ///
    /// - Parameter restarted: set to true when the file was replaced and is read from its start again.
    public func read(restarted: inout Bool) throws(ReadError) -> ArraySlice<UInt8> {
        restarted = false
        if descriptor >= 0, isReplaced {
            close(descriptor)
            descriptor = -1
            partial = []
            totalBytes = 0
            restarted = true
        }
        if descriptor < 0 {
            descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw ReadError(code: errno) }
        }
        var appended: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while totalBytes < maximumBytes {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count < 0 { throw ReadError(code: errno) }
            if count == 0 { break }
            appended.append(contentsOf: chunk.prefix(count))
            totalBytes += count
        }
        guard let lastNewline = appended.lastIndex(of: UInt8(ascii: "\n")) else {
            partial.append(contentsOf: appended)
            return []
        }
        let lines = partial + appended[...lastNewline]
        partial = Array(appended[(lastNewline + 1)...])
        return lines[...]
    }

    /// Whether the path now names another file than the one open.
    private var isReplaced: Bool {
        var named = stat()
        var open = stat()
        guard stat(path, &named) == 0, fstat(descriptor, &open) == 0 else { return false }
        return named.st_ino != open.st_ino || named.st_dev != open.st_dev
    }
}

@available(*, unavailable)
extension AppendedLines: Sendable {}
