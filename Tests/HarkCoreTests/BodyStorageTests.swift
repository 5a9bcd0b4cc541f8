import Glibc
@testable import HarkCore
import NIOCore
import Testing

@Suite struct BodyStorageTests {
    /// Bytes whose position shows in their value, so that a misplaced chunk cannot go unnoticed.
    private static func pattern(_ count: Int, seed: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: ($0 &+ seed) &* 7 &+ ($0 >> 9)) }
    }

    /// A fresh, empty directory for one test's spill files.
    private static func makeDirectory() throws -> String {
        var template = Array("/tmp/hark-spill-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        let path = try #require(made.map { String(cString: $0) })
        return path
    }

    private static func entries(of directory: String) -> [String] {
        guard let handle = opendir(directory) else { return ["<unreadable>"] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    private static func collect(_ storage: BodyStorage, chunk: Int) throws -> (bytes: [UInt8], sizes: [Int]) {
        var bytes: [UInt8] = []
        var sizes: [Int] = []
        var chunks = storage.chunks(maxChunk: chunk)
        while let piece = try chunks.next() {
            bytes += piece.readableBytesView
            sizes.append(piece.readableBytes)
        }
        return (bytes, sizes)
    }

    @Test func smallBodyStaysInMemory() throws {
        let limits = BodyStorageLimits(memoryThreshold: 100, pool: BodyStoragePool(maxMemoryBytes: 0))
        var storage = BodyStorage()
        storage.append(ByteBuffer(bytes: Self.pattern(60)), limits: limits)
        storage.append(ByteBuffer(bytes: Self.pattern(40, seed: 60)), limits: limits)
        #expect(!storage.isSpilled, "exactly the threshold stays in memory")
        #expect(storage.count == 100)
        #expect(Array(try storage.readAll().readableBytesView) == Self.pattern(60) + Self.pattern(40, seed: 60))
        storage.append(ByteBuffer(bytes: [1]), limits: limits)
        #expect(storage.isSpilled, "one byte more moves it to disk")
        #expect(storage.error == nil)
    }

    @Test func crossingTheThresholdReadsBackIdentically() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        let input = Self.pattern(10_007)
        var storage = BodyStorage()
        var offset = 0
        for size in [1, 999, 1, 300, 4000, 17, 2500] + Array(repeating: 73, count: 30) {
            let end = min(offset + size, input.count)
            storage.append(ByteBuffer(bytes: input[offset..<end]), limits: limits)
            offset = end
        }
        storage.append(ByteBuffer(bytes: input[offset...]), limits: limits)
        #expect(storage.isSpilled && storage.count == input.count && storage.error == nil)
        #expect(Array(try storage.readAll().readableBytesView) == input)
        for chunk in [1, 7, 999, 1000, 1001, 4096, 20_000] {
            let read = try Self.collect(storage, chunk: chunk)
            #expect(read.bytes == input, "chunk size \(chunk)")
            #expect(read.sizes.dropLast().allSatisfy { $0 == chunk }, "every chunk but the last is full (\(chunk))")
        }
        #expect(Array(try storage.readAll(limit: 1234).readableBytesView) == Array(input[..<1234]))
    }

    @Test func manySmallAppendsAndRawAppends() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let limits = BodyStorageLimits(memoryThreshold: 4096, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        var expected: [UInt8] = []
        var storage = BodyStorage()
        for index in 0..<20_000 {
            let piece = Self.pattern(1 + index % 17, seed: index)
            expected += piece
            if index.isMultiple(of: 2) {
                storage.append(ByteBuffer(bytes: piece), limits: limits)
            } else {
                piece.withUnsafeBytes { storage.append($0, limits: limits) }
            }
        }
        #expect(storage.count == expected.count)
        #expect(Array(try storage.readAll().readableBytesView) == expected)
    }

    @Test func zeroThresholdWritesEverythingToDisk() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let limits = BodyStorageLimits(memoryThreshold: 0, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        var storage = BodyStorage()
        for seed in 0..<5 { storage.append(ByteBuffer(bytes: Self.pattern(10, seed: seed * 10)), limits: limits) }
        #expect(storage.isSpilled && storage.memory.readableBytes == 0)
        #expect(Array(try storage.readAll().readableBytesView) == (0..<5).flatMap { Self.pattern(10, seed: $0 * 10) })
    }

    @Test func sealingWritesTheTailOutAndFreesItsBuffer() throws {
        let pool = BodyStoragePool(maxMemoryBytes: 0)
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: pool)
        let bytes = Self.pattern(3200)
        var storage = BodyStorage()
        storage.append(ByteBuffer(bytes: bytes[..<2500]), limits: limits)
        storage.append(ByteBuffer(bytes: bytes[2500...]), limits: limits)
        #expect(storage.isSpilled && storage.memory.readableBytes == 700 && pool.usedDiskBytes == 2500)
        let before = storage
        storage.seal(limits: limits)
        #expect(storage.memory.capacity == 0 && storage.count == 3200 && pool.usedDiskBytes == 3200)
        #expect(storage == before, "the same bytes")
        #expect(Array(try storage.readAll().readableBytesView) == bytes)
        storage.seal(limits: limits)
        #expect(storage.count == 3200 && pool.usedDiskBytes == 3200, "sealing twice changes nothing")
        var small = BodyStorage()
        small.append(ByteBuffer(bytes: Self.pattern(10)), limits: limits)
        small.seal(limits: limits)
        #expect(!small.isSpilled && small.memory.readableBytes == 10, "a body in memory stays there")
    }

    @Test func fileIsUnlinkedAndClosedWithTheLastCopy() throws {
        let directory = try Self.makeDirectory()
        let pool = BodyStoragePool(directory: directory, maxMemoryBytes: 0)
        let limits = BodyStorageLimits(memoryThreshold: 16, pool: pool)
        var descriptor: Int32 = -1
        do {
            var storage = BodyStorage()
            storage.append(ByteBuffer(bytes: Self.pattern(5000)), limits: limits)
            let copy = storage
            descriptor = try #require(storage.file?.descriptor)
            #expect(Self.entries(of: directory).isEmpty, "the file has no name in the directory")
            #expect(Self.isSpillFile(descriptor, in: directory))
            #expect(pool.usedDiskBytes == 5000)
            storage = BodyStorage()
            #expect(Self.isSpillFile(descriptor, in: directory), "a copy still holds it")
            #expect(copy.count == 5000)
        }
        #expect(!Self.isSpillFile(descriptor, in: directory), "closed with the last copy")
        #expect(pool.usedDiskBytes == 0, "its bytes went back to the budget")
        #expect(Self.entries(of: directory).isEmpty)
        #expect(rmdir(directory) == 0)
    }

    /// Whether `descriptor` is open on a nameless file of `directory` (`/proc/self/fd/N` reads
    /// `DIR/#inode (deleted)` for an `O_TMPFILE` file, `DIR/hark-body-XXXXXX (deleted)` otherwise).
    private static func isSpillFile(_ descriptor: Int32, in directory: String) -> Bool {
        guard let target = link(of: descriptor) else { return false }
        return target.hasPrefix(directory + "/") && target.hasSuffix(" (deleted)")
    }

    /// Where `/proc/self/fd/N` points: the open file's path (with ` (deleted)` once unlinked), or nil.
    private static func link(of descriptor: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let length = readlink("/proc/self/fd/\(descriptor)", &buffer, buffer.count - 1)
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    @Test func diskBudgetTruncatesWithAnError() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let pool = BodyStoragePool(directory: directory, maxMemoryBytes: 0, maxDiskBytes: 10_000)
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: pool)
        let input = Self.pattern(50_000)
        var storage = BodyStorage()
        for start in stride(from: 0, to: input.count, by: 100) {
            storage.append(ByteBuffer(bytes: input[start..<(start + 100)]), limits: limits)
        }
        let error = try #require(storage.error)
        #expect(error.kind == .diskBudgetExhausted(limit: 10_000))
        #expect(storage.count == 10_000, "the body ends where the budget did, however it was appended")
        #expect(error.storedBytes == storage.count)
        #expect(pool.usedDiskBytes <= 10_000)
        #expect(Array(try storage.readAll().readableBytesView) == Array(input[..<storage.count]), "kept bytes are intact")
        #expect(error.description.contains("disk budget"))
        let before = storage.count
        storage.append(ByteBuffer(bytes: [1, 2, 3]), limits: limits)
        #expect(storage.count == before, "nothing is kept after the error")
    }

    @Test func unusableDirectoryKeepsWhatMemoryHeld() throws {
        let limits = BodyStorageLimits(
            memoryThreshold: 64,
            pool: BodyStoragePool(directory: "/nonexistent/hark-\(getpid())", maxMemoryBytes: 0)
        )
        var storage = BodyStorage()
        storage.append(ByteBuffer(bytes: Self.pattern(50)), limits: limits)
        storage.append(ByteBuffer(bytes: Self.pattern(50, seed: 50)), limits: limits)
        guard case .fileNotCreated(_, let code) = storage.error?.kind else {
            Issue.record("expected fileNotCreated, got \(String(describing: storage.error))")
            return
        }
        #expect(code == ENOENT)
        #expect(storage.count == 64, "exactly the memory threshold is kept")
        #expect(Array(try storage.readAll().readableBytesView) == Self.pattern(50) + Self.pattern(14, seed: 50))
    }

    @Test func copiesAndPrefixesDivergeWithoutSharingWrites() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let limits = BodyStorageLimits(memoryThreshold: 100, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        var original = BodyStorage()
        original.append(ByteBuffer(bytes: Self.pattern(1000)), limits: limits)
        var copy = original
        let prefix = original.prefix(300)
        var grownPrefix = prefix
        original.append(ByteBuffer(bytes: Self.pattern(500, seed: 1)), limits: limits)
        copy.append(ByteBuffer(bytes: Self.pattern(700, seed: 2)), limits: limits)
        grownPrefix.append(ByteBuffer(bytes: Self.pattern(5, seed: 3)), limits: limits)
        #expect(Array(try original.readAll().readableBytesView) == Self.pattern(1000) + Self.pattern(500, seed: 1))
        #expect(Array(try copy.readAll().readableBytesView) == Self.pattern(1000) + Self.pattern(700, seed: 2))
        #expect(Array(try prefix.readAll().readableBytesView) == Array(Self.pattern(1000)[..<300]))
        #expect(Array(try grownPrefix.readAll().readableBytesView) == Array(Self.pattern(1000)[..<300]) + Self.pattern(5, seed: 3))
        #expect(original.prefix(0).isEmpty && !original.prefix(0).isSpilled)
    }

    @Test func equalityComparesBytesWhereverTheyLive() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let limits = BodyStorageLimits(memoryThreshold: 10, pool: BodyStoragePool(directory: directory, maxMemoryBytes: 0))
        var spilled = BodyStorage()
        spilled.append(ByteBuffer(bytes: Self.pattern(100)), limits: limits)
        let inMemory = BodyStorage(ByteBuffer(bytes: Self.pattern(100)))
        #expect(spilled == inMemory && spilled.hashValue == inMemory.hashValue)
        #expect(spilled != BodyStorage(ByteBuffer(bytes: Self.pattern(100, seed: 1))))
        #expect(spilled.prefix(99) != inMemory)
    }

    @Test func largeBodiesStayInMemoryWhileTheSharedAllowanceLasts() throws {
        let directory = try Self.makeDirectory()
        defer { rmdir(directory) }
        let pool = BodyStoragePool(directory: directory, maxMemoryBytes: 5000)
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: pool)
        var first = BodyStorage()
        first.append(ByteBuffer(bytes: Self.pattern(4000)), limits: limits)
        #expect(!first.isSpilled && pool.usedMemoryBytes == 3000, "3000 bytes past the threshold, on the allowance")
        var second = BodyStorage()
        second.append(ByteBuffer(bytes: Self.pattern(3000, seed: 1)), limits: limits)
        #expect(!second.isSpilled && pool.usedMemoryBytes == 5000)
        second.append(ByteBuffer(bytes: Self.pattern(10, seed: 2)), limits: limits)
        #expect(second.isSpilled, "the allowance is used up: to disk")
        #expect(pool.usedMemoryBytes == 3000, "the spilled body gave its share back")
        #expect(pool.usedDiskBytes == 3000, "what it held in memory went to the file")
        #expect(second.byteArray == Self.pattern(3000, seed: 1) + Self.pattern(10, seed: 2))
        first = BodyStorage()
        #expect(pool.usedMemoryBytes == 0, "a dropped body gives its share back")
        var third = BodyStorage()
        third.append(ByteBuffer(bytes: Self.pattern(6000)), limits: limits)
        #expect(!third.isSpilled && pool.usedMemoryBytes == 5000)
        second = BodyStorage()
        #expect(pool.usedDiskBytes == 0)
    }
}

extension BodyStorage {
    /// All the bytes, empty when the file cannot be read.
    fileprivate var byteArray: [UInt8] { (try? readAll()).map { Array($0.readableBytesView) } ?? [] }
}
