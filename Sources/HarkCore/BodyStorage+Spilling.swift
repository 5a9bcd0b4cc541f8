import NIOCore

extension BodyStorage {
    /// Makes the file and writes everything memory holds to it, giving the allowance back; false, with
    /// `error` set, when no file can be made or the budget or the disk refuses the bytes.
    mutating func moveToFile(limits: BodyStorageLimits) -> Bool {
        do {
            file = try SpillFile.make(in: limits.pool, storedBytes: count)
        } catch {
            self.error = error
            return false
        }
        let held = memory
        let heldBlocks = blocks
        memory = ByteBuffer()
        blocks = []
        blockBytes = 0
        lease = nil
        for region in CollectionOfOne(held) + heldBlocks {
            let written = write(byteCount: region.readableBytes, limits: limits) { file, offset in
                region.withUnsafeReadableBytes { file.append($0, at: offset) }
            }
            guard written else { return false }
        }
        return true
    }

    /// Ends a spilled body: writes the bytes still gathered in memory to its file and frees their
    /// buffer, so that a finished body waiting to be written out holds no memory of its own. The bytes
    /// read back are the same; when the disk budget or the disk refuses the tail, `error` says so and
    /// the body ends at the last byte in the file, as it would had a later append flushed it. A body
    /// in memory is left as it is.
    public mutating func seal(limits: BodyStorageLimits) {
        guard file != nil, memory.capacity > 0 else { return }
        let tail = memory
        memory = ByteBuffer()
        guard error == nil else { return }
        _ = write(byteCount: tail.readableBytes, limits: limits) { file, offset in
            tail.withUnsafeReadableBytes { file.append($0, at: offset) }
        }
    }

    /// Appends to a spilled body: memory gathers at most the threshold of unwritten bytes, and bytes
    /// larger than that go straight to the file.
    mutating func appendToFile(_ bytes: UnsafeRawBufferPointer, limits: BodyStorageLimits) {
        guard !bytes.isEmpty else { return }
        if memory.readableBytes &+ bytes.count <= limits.memoryThreshold {
            memory.writeBytes(bytes)
            return
        }
        let flushed = write(byteCount: memory.readableBytes, limits: limits) { [memory] file, offset in
            memory.withUnsafeReadableBytes { file.append($0, at: offset) }
        }
        memory.clear()
        guard flushed else { return }
        if bytes.count <= limits.memoryThreshold {
            memory.writeBytes(bytes)
        } else {
            _ = write(byteCount: bytes.count, limits: limits) { file, offset in file.append(bytes, at: offset) }
        }
    }

    /// Writes `byteCount` bytes with `append` after this value's `fileCount` file bytes, first moving to
    /// a file of its own when another copy has appended to the shared one; false (with `error` set) when
    /// the budget or the disk refused them. The body then ends at the last byte in the file, so that
    /// where a budget cuts it does not depend on how its bytes were appended.
    private mutating func write(
        byteCount: Int,
        limits: BodyStorageLimits,
        _ append: (SpillFile, Int) -> SpillFile.AppendResult
    ) -> Bool {
        guard byteCount > 0 else { return true }
        var moved = false
        while let current = file {
            switch append(current, fileCount) {
            case .written:
                fileCount &+= byteCount
                return true
            case .diverged:
                guard !moved, moveToOwnFile(limits: limits) else { return false }
                moved = true
            case .budgetExhausted(let written):
                fileCount &+= written
                error = BodyStorageError(.diskBudgetExhausted(limit: limits.pool.maxDiskBytes), storedBytes: fileCount)
                return false
            case .failed(let kind):
                error = BodyStorageError(kind, storedBytes: fileCount)
                return false
            }
        }
        return false
    }

    /// Copies this value's file bytes into a new file of its own, for a copy whose shared file another
    /// copy has appended to.
    private mutating func moveToOwnFile(limits: BodyStorageLimits) -> Bool {
        guard let shared = file else { return false }
        let fresh: SpillFile
        do {
            fresh = try SpillFile.make(in: limits.pool, storedBytes: fileCount)
        } catch {
            self.error = error
            return false
        }
        let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: BodyStorage.defaultChunkSize, alignment: 1)
        defer { piece.deallocate() }
        var offset = 0
        while offset < fileCount {
            let length = min(piece.count, fileCount &- offset)
            let target = UnsafeMutableRawBufferPointer(rebasing: piece[0..<length])
            if let code = shared.read(into: target, at: offset) {
                error = BodyStorageError(.readFailed(errno: code), storedBytes: fileCount)
                return false
            }
            switch fresh.append(UnsafeRawBufferPointer(target), at: offset) {
            case .written, .diverged:
                break
            case .budgetExhausted:
                error = BodyStorageError(.diskBudgetExhausted(limit: limits.pool.maxDiskBytes), storedBytes: fileCount)
                return false
            case .failed(let kind):
                error = BodyStorageError(kind, storedBytes: fileCount)
                return false
            }
            offset &+= length
        }
        file = fresh
        return true
    }
}
