public import NIOCore

extension BodyStorage {
    /// `count` bytes from `offset` (fewer when the body ends sooner; none when `offset` is past the
    /// end), in one buffer: one `pread` for the part in the file, a copy of the part in memory. For a
    /// store that appends many records to one body and reads single ones back.
    ///
    /// - Throws: `BodyStorageError` with `.readFailed` when the temporary file cannot be read back.
    public func read(from offset: Int, count: Int) throws(BodyStorageError) -> ByteBuffer {
        let start = max(0, offset)
        let end = start &+ max(0, min(count, self.count &- start))
        guard end > start else { return ByteBuffer() }
        var result = ByteBufferAllocator().buffer(capacity: end &- start)
        let fileEnd = min(end, fileCount)
        if let file, start < fileEnd {
            let length = fileEnd &- start
            var failure: Int32?
            result.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { target in
                failure = file.read(into: UnsafeMutableRawBufferPointer(rebasing: target[0..<length]), at: start)
                return failure == nil ? length : 0
            }
            if let failure { throw BodyStorageError(.readFailed(errno: failure), storedBytes: start) }
        }
        let memoryStart = max(start, fileCount)
        if end > memoryStart {
            copyMemory(from: memoryStart &- fileCount, count: end &- memoryStart, into: &result)
        }
        return result
    }
}
