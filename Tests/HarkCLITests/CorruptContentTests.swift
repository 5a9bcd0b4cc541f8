import Foundation
import HarkTestSupport
import Testing

/// A gzip body damaged in the capture: every view says that decoding failed, where and why, and shows
/// what there is (the decoded part, or the captured bytes when nothing could be decoded) instead of an
/// empty body.
@Suite(.enabled(if: HarkBinary.url != nil, "needs the hark executable beside the tests"))
struct CorruptContentTests {
    /// http1-chunked-gzip-msn.pcap's first response: a chunked gzip body of 22,916 bytes that decodes to
    /// 85,419 (its gzip header is the first `1f 8b 08` in the file, its size field the first `ab 4d 01 00`).
    private static let encodedLength = 22_916
    private static let decodedLength = 85_419

    /// The capture with `damage` applied to its bytes, written to a temporary file.
    private func damagedCapture(_ name: String, _ damage: (inout [UInt8]) throws -> Void) throws -> URL {
        var bytes = try Fixtures.bytes(Fixtures.corpus("http1-chunked-gzip-msn.pcap"))
        try damage(&bytes)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-\(getpid())-\(name).pcap")
        try Data(bytes).write(to: url)
        return url
    }

    private func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) throws -> Int {
        let index = bytes.indices.first { bytes[$0...].starts(with: pattern) }
        return try #require(index, "pattern \(pattern) in the capture")
    }

    private func firstResponse(_ capture: URL) throws -> [String: Any] {
        let (status, output, errors) = try HarkBinary.run(["har", capture.path])
        #expect(status == 0, "\(errors)")
        let document = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        let entries = (document?["log"] as? [String: Any])?["entries"] as? [[String: Any]]
        return try #require(entries?.first?["response"] as? [String: Any])
    }

    @Test func aBodyCorruptFromItsStartShowsItsCapturedBytesAndWhy() throws {
        let capture = try damagedCapture("corrupt-start") { bytes in
            let gzip = try firstIndex(of: [0x1F, 0x8B, 0x08], in: bytes)
            for offset in 40..<60 { bytes[gzip + offset] ^= 0x5A }
        }
        defer { try? FileManager.default.removeItem(at: capture) }

        let response = try firstResponse(capture)
        let content = try #require(response["content"] as? [String: Any])
        #expect(content["size"] as? Int == Self.encodedLength, "the captured bytes' size, not 0")
        #expect(content["compression"] == nil, "no bytes saved can be claimed")
        #expect(content["encoding"] as? String == "base64")
        let text = try #require(content["text"] as? String)
        let body = try #require(Data(base64Encoded: text))
        #expect(Array(body.prefix(3)) == [0x1F, 0x8B, 0x08], "the gzip stream as captured")
        #expect(body.count == Self.encodedLength)
        let error = try #require(response["_error"] as? String)
        #expect(error.contains("content decoding: gzip: corrupt data at encoded byte"), "\(error)")
        // The damage starts at byte 40; zlib notices it within a few bytes.
        let offset = try #require(Self.offset(in: error))
        #expect((40...80).contains(offset), "\(error)")

        let (_, trace, _) = try HarkBinary.run(["trace", "--bodies", capture.path])
        #expect(trace.contains("[22.9 kB gzip not decoded: gzip: corrupt data at encoded byte \(offset)"), "\(trace)")
    }

    @Test func aBodyWithABadChecksumKeepsItsDecodedTextAndSaysWhy() throws {
        let capture = try damagedCapture("bad-crc") { bytes in
            // The gzip trailer: CRC-32, then the size; damage the CRC.
            let size = try firstIndex(of: [0xAB, 0x4D, 0x01, 0x00], in: bytes)
            bytes[size - 2] ^= 0xFF
        }
        defer { try? FileManager.default.removeItem(at: capture) }

        let response = try firstResponse(capture)
        let content = try #require(response["content"] as? [String: Any])
        #expect(content["size"] as? Int == Self.decodedLength)
        #expect(content["compression"] == nil)
        #expect((content["text"] as? String)?.hasPrefix("<!DOCTYPE html") == true)
        let error = try #require(response["_error"] as? String)
        #expect(error.contains("content decoding: gzip: corrupt data"), "\(error)")
        #expect(error.contains("incorrect data check"), "zlib's own words: \(error)")

        let (_, trace, _) = try HarkBinary.run(["trace", "--bodies", capture.path])
        #expect(trace.contains("<!DOCTYPE html"))
        #expect(trace.contains("[content decoding: gzip: corrupt data at encoded byte"), "\(trace)")
    }

    @Test func anIntactBodyHasNoDecodingNote() throws {
        let capture = Fixtures.corpus("http1-chunked-gzip-msn.pcap")
        let response = try firstResponse(capture)
        let content = try #require(response["content"] as? [String: Any])
        #expect(content["compression"] as? Int == Self.decodedLength - Self.encodedLength)
        #expect(response["_error"] == nil)
        let (_, trace, _) = try HarkBinary.run(["trace", "--bodies", capture.path])
        #expect(!trace.contains("content decoding"))
        #expect(!trace.contains("not decoded"))
    }

    /// The number after `at encoded byte` in an error.
    private static func offset(in error: String) -> Int? {
        guard let range = error.range(of: "at encoded byte ") else { return nil }
        return Int(error[range.upperBound...].prefix { $0.isNumber })
    }
}
