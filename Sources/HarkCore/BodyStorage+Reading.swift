public import NIOCore

extension BodyStorage {
    /// The default chunk size for reading a body back: 64 KiB.
    public static let defaultChunkSize = 64 << 10

    /// Reads a body front to back in chunks: each chunk holds exactly `maxChunk` bytes except the last,
    /// so a consumer that needs whole units (base64's 3-byte groups) can rely on the boundaries.
    ///
    /// A chunk within one in-memory buffer is a zero-copy slice of it; one spanning two is copied. File
    /// bytes are read ahead, `readAhead` bytes per `pread`, into one buffer that the chunks are slices of
    /// (a chunk kept past the next read is copied on write, never overwritten).
    public struct Chunks {
        /// Bytes read from the file at once: 256 KiB.
        public static let readAhead = 256 << 10

        private let storage: BodyStorage
        private let chunkSize: Int
        private var position = 0
        /// Bytes read ahead from the file, from `bufferStart` on.
        private var buffer = ByteBuffer()
        private var bufferStart = 0
        /// The in-memory region where the last chunk ended (see `BodyStorage.region(_:)`), and how many
        /// in-memory bytes come before it.
        private var region = 0
        private var regionStart = 0

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
            defer { position = end }
            guard position >= storage.fileCount else {
                if position < bufferStart || end > bufferStart &+ buffer.readableBytes {
                    try readAhead(from: position, atLeast: length)
                }
                return buffer.getSlice(at: buffer.readerIndex &+ (position &- bufferStart), length: length)
            }
            let offset = position &- storage.fileCount
            while let current = storage.region(region), offset >= regionStart &+ current.readableBytes {
                regionStart &+= current.readableBytes
                region &+= 1
            }
            if let current = storage.region(region), offset &- regionStart &+ length <= current.readableBytes {
                return current.getSlice(at: current.readerIndex &+ (offset &- regionStart), length: length)
            }
            var spanning = ByteBufferAllocator().buffer(capacity: length)
            storage.copyMemory(from: offset, count: length, into: &spanning)
            return spanning
        }

        /// Fills the read-ahead buffer with the bytes from `start`: at least `minimum`, `readAhead` when
        /// there are as many, from the file and then from memory.
        private mutating func readAhead(from start: Int, atLeast minimum: Int) throws(BodyStorageError) {
            let wanted = min(max(Self.readAhead, minimum), storage.count &- start)
            let fromFile = min(start &+ wanted, storage.fileCount) &- start
            buffer.clear(minimumCapacity: wanted)
            bufferStart = start
            if let file = storage.file, fromFile > 0 {
                var failure: Int32?
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: fromFile) { target in
                    failure = file.read(into: UnsafeMutableRawBufferPointer(rebasing: target[0..<fromFile]), at: start)
                    return failure == nil ? fromFile : 0
                }
                if let failure { throw BodyStorageError(.readFailed(errno: failure), storedBytes: start) }
            }
            storage.copyMemory(from: 0, count: wanted &- fromFile, into: &buffer)
        }
    }

    /// The bytes in chunks of `maxChunk` (see `Chunks`).
    public func chunks(maxChunk: Int = BodyStorage.defaultChunkSize) -> Chunks {
        Chunks(self, chunkSize: maxChunk)
    }

    /// The first `limit` bytes (all of them by default) in one buffer: a zero-copy slice while they are
    /// in one in-memory buffer, copied otherwise. For tests and small consumers; large bodies are better
    /// read with `chunks(maxChunk:)`.
    ///
    /// - Throws: `BodyStorageError` with `.readFailed` when the temporary file cannot be read back.
    public func readAll(limit: Int = .max) throws(BodyStorageError) -> ByteBuffer {
        let wanted = prefix(limit)
        if wanted.file == nil, wanted.blocks.isEmpty { return wanted.memory }
        var result = ByteBufferAllocator().buffer(capacity: wanted.count)
        var chunks = wanted.chunks()
        while var chunk = try chunks.next() {
            result.writeBuffer(&chunk)
        }
        return result
    }

    /// In-memory region `index`: 0 is `memory`, then the blocks; nil past the last.
    func region(_ index: Int) -> ByteBuffer? {
        if index == 0 { return memory }
        return index > 0 && index <= blocks.count ? blocks[index &- 1] : nil
    }

    /// Appends `count` in-memory bytes, from `offset` past the file's bytes, to `target`.
    func copyMemory(from offset: Int, count: Int, into target: inout ByteBuffer) {
        var skip = offset
        var remaining = count
        var index = 0
        while remaining > 0, let current = region(index) {
            index &+= 1
            guard skip < current.readableBytes else {
                skip &-= current.readableBytes
                continue
            }
            let length = min(remaining, current.readableBytes &- skip)
            if let part = current.getSlice(at: current.readerIndex &+ skip, length: length) {
                target.writeImmutableBuffer(part)
            }
            remaining &-= length
            skip = 0
        }
    }
}

extension BodyStorage: Hashable {
    /// Bodies are equal when they hold the same bytes and the same error; a body that cannot be read
    /// back equals only a body sharing its storage.
    public static func == (lhs: BodyStorage, rhs: BodyStorage) -> Bool {
        guard lhs.count == rhs.count, lhs.error == rhs.error else { return false }
        if lhs.file === rhs.file, lhs.fileCount == rhs.fileCount, lhs.blocks.isEmpty, rhs.blocks.isEmpty {
            return lhs.memory == rhs.memory
        }
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
