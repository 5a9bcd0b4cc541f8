import Glibc

/// Reading and writing the unlinked temporary files behind `HARSortingSpool`, with POSIX calls that
/// are retried on `EINTR` and turned into `HARWriterError.writeFailed` on failure.
enum SpoolFile {
    /// A new file in `directory`, unlinked at once: it lives as long as the descriptor returned, which
    /// the caller closes.
    ///
    /// - Throws: `HARWriterError.writeFailed` when no file can be made.
    static func make(in directory: String) throws -> Int32 {
        var template = Array("\(directory)/hark-har-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { mkstemp($0) } ?? -1
        }
        guard descriptor >= 0 else { throw HARWriterError.writeFailed(errno: errno) }
        template.withUnsafeBufferPointer { buffer in
            if let path = buffer.baseAddress { _ = unlink(path) }
        }
        return descriptor
    }

    /// `$TMPDIR`, or `/tmp` when it is not set.
    static var defaultDirectory: String {
        getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    }

    /// Fills `buffer` from `file` at `offset`; a file that ends first is an error (`EIO`).
    static func read(_ file: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws {
        try repeatUntilDone(buffer.count) { done in
            pread(file, buffer.baseAddress.map { $0 + done }, buffer.count - done, off_t(offset) + off_t(done))
        }
    }

    /// Writes all of `bytes` to `file` at `offset`.
    static func write(_ file: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        try repeatUntilDone(bytes.count) { done in
            pwrite(file, bytes.baseAddress.map { $0 + done }, bytes.count - done, off_t(offset) + off_t(done))
        }
    }

    /// Calls `transfer` with the bytes done so far until `count` are done; it returns how many more it
    /// did, or -1 with `errno` set.
    private static func repeatUntilDone(_ count: Int, _ transfer: (Int) -> Int) throws {
        var done = 0
        while done < count {
            let result = transfer(done)
            if result < 0, errno == EINTR { continue }
            guard result > 0 else { throw HARWriterError.writeFailed(errno: result < 0 ? errno : EIO) }
            done += result
        }
    }
}
