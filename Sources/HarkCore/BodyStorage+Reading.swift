public import NIOCore

extension BodyStorage {
    /// The default chunk size for reading a body back: 64 KiB.
    public static let defaultChunkSize = 64 << 10

    /// Reads a body front to back in chunks: each chunk holds exactly `maxChunk` bytes except the last,
    /// so a consumer that needs whole units (base64's 3-byte groups) can rely on the boundaries.
    ///
    /// In-memory bytes come as zero-copy slices; file bytes are read into one reused buffer (a chunk
    /// kept past the next call is copied on write, not overwritten).
    public struct Chunks {
        private let storage: BodyStorage
        private let chunkSize: Int
        private var position = 0
        private var scratch = ByteBuffer()

        init(_ storage: BodyStorage, chunkSize: Int) {
            self.storage = storage
            self.chunkSize = max(1, chunkSize)
        }

        /// The next chunk, or nil at the end.
        ///
        /// - Throws: `BodyStorageError` with `.readFailed` when the temporary file cannot be read back.
        public mutating func next() throws(BodyStorageError) -> ByteBuffer? {
            let total = storage.count
            guard position < total else { return nil }
            let length = min(chunkSize, total &- position)
            let end = position &+ length
            let memory = storage.memory
            let fileCount = storage.fileCount
            if position >= fileCount {
                defer { position = end }
                return memory.getSlice(at: memory.readerIndex &+ (position &- fileCount), length: length)
            }
            scratch.clear(minimumCapacity: length)
            let fromFile = min(end, fileCount) &- position
            if let file = storage.file {
                var failure: Int32?
                let start = position
                scratch.writeWithUnsafeMutableBytes(minimumWritableBytes: fromFile) { target in
                    failure = file.read(into: UnsafeMutableRawBufferPointer(rebasing: target[0..<fromFile]), at: start)
                    return failure == nil ? fromFile : 0
                }
                if let failure { throw BodyStorageError(.readFailed(errno: failure), storedBytes: position) }
            }
            if end > fileCount, let rest = memory.getSlice(at: memory.readerIndex, length: end &- fileCount) {
                scratch.writeImmutableBuffer(rest)
            }
            position = end
            return scratch
        }
    }

    /// The bytes in chunks of `maxChunk` (see `Chunks`).
    public func chunks(maxChunk: Int = BodyStorage.defaultChunkSize) -> Chunks {
        Chunks(self, chunkSize: maxChunk)
    }

    /// The first `limit` bytes (all of them by default) in one buffer: a zero-copy slice while the body
    /// is in memory, read from the file otherwise. For tests and small consumers; large bodies are
    /// better read with `chunks(maxChunk:)`.
    ///
    /// - Throws: `BodyStorageError` with `.readFailed` when the temporary file cannot be read back.
    public func readAll(limit: Int = .max) throws(BodyStorageError) -> ByteBuffer {
        let wanted = prefix(limit)
        if wanted.file == nil { return wanted.memory }
        var result = ByteBufferAllocator().buffer(capacity: wanted.count)
        var chunks = wanted.chunks()
        while var chunk = try chunks.next() {
            result.writeBuffer(&chunk)
        }
        return result
    }
}

extension BodyStorage: Hashable {
    /// Bodies are equal when they hold the same bytes and the same error; a body that cannot be read
    /// back equals only a body sharing its file and bytes.
    public static func == (lhs: BodyStorage, rhs: BodyStorage) -> Bool {
        guard lhs.count == rhs.count, lhs.error == rhs.error else { return false }
        if lhs.file === rhs.file, lhs.fileCount == rhs.fileCount { return lhs.memory == rhs.memory }
        var left = lhs.chunks()
        var right = rhs.chunks()
        do {
            while let chunk = try left.next() {
                guard let other = try right.next(), chunk == other else { return false }
            }
            return true
        } catch {
            return false
        }
    }

    /// Hashes the byte count only, which equal bodies share, without reading a file.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
    }
}
