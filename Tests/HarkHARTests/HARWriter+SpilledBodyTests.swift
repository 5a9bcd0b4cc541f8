import Foundation
import Glibc
import HarkCore
import HarkHAR
import NIOCore
import Testing

/// Bodies kept on disk are written chunk by chunk with exactly the bytes an in-memory body gives.
@Suite struct HARWriterSpilledBodyTests {
    /// `bytes` stored past a tiny memory threshold, so that almost all of it is in a temporary file.
    private static func spilled(_ bytes: [UInt8]) -> BodyStorage {
        var storage = BodyStorage()
        let limits = BodyStorageLimits(memoryThreshold: 1000, pool: BodyStoragePool(maxMemoryBytes: 0))
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + 7919)
            storage.append(ByteBuffer(bytes: bytes[start..<end]), limits: limits)
            start = end
        }
        return storage
    }

    private static func document(_ body: BodyStorage) throws -> [UInt8] {
        var entry = HARTestDocuments.getEntry
        entry.response.content = HARContent(mimeType: "text/plain", body: body)
        entry.request.postData = HARPostData(mimeType: "application/x-www-form-urlencoded", body: body)
        return try HARTestDocuments.write([entry], configuration: .init(flushThreshold: 4096))
    }

    @Test func textWithCharactersAcrossChunkBoundariesStaysText() throws {
        // Four-byte characters at odd offsets straddle every 48 KiB writing chunk and 64 KiB reading chunk.
        let text = String(repeating: "a𝄞bé€\"\n\\", count: 40_000)
        let bytes = Array(text.utf8)
        let storage = Self.spilled(bytes)
        #expect(storage.isSpilled)
        let written = try Self.document(storage)
        #expect(written == (try Self.document(BodyStorage(ByteBuffer(bytes: bytes)))), "same bytes as in memory")
        let entry = try #require(try HARTestDocuments.entries(written).first)
        let content = entry[object: "response"][object: "content"]
        #expect(content["text"] as? String == text)
        #expect(content["encoding"] == nil)
        #expect(entry[object: "request"][object: "postData"]["text"] as? String == text)
    }

    @Test func binaryIsBase64AcrossChunks() throws {
        let bytes = (0..<300_001).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 7) }
        let written = try Self.document(Self.spilled(bytes))
        #expect(written == (try Self.document(BodyStorage(ByteBuffer(bytes: bytes)))))
        let content = try #require(try HARTestDocuments.entries(written).first)[object: "response"][object: "content"]
        #expect(content["encoding"] as? String == "base64")
        let text = try #require(content["text"] as? String)
        #expect(Data(base64Encoded: text).map(Array.init) == bytes)
    }

    @Test func aLongFormIsWrittenWithoutParams() throws {
        let form = Array(String(repeating: "a=1&", count: HARPostData.maxFormBytes / 4 + 1).utf8)
        let postData = HARPostData(mimeType: "application/x-www-form-urlencoded", body: Self.spilled(form))
        #expect(postData.params.isEmpty && postData.text?.bytes.count == form.count)
        let small = HARPostData(mimeType: "application/x-www-form-urlencoded", body: Self.spilled(Array("a=1&b=2".utf8)))
        #expect(small.params == [HARParam(name: "a", value: "1"), HARParam(name: "b", value: "2")])
    }
}
