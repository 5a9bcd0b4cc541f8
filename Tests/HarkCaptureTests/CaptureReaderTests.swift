import Foundation
import HarkCapture
import HarkCore
import HarkTestSupport
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

struct CaptureReaderTests {
    @Test func missingFileIsAnError() {
        #expect {
            _ = try CaptureReader(path: "/nonexistent/trace.pcap")
        } throws: { error in
            let error = error as? CaptureError
            return error?.code == .cannotOpen
                && error?.description == "/nonexistent/trace.pcap: cannot open: No such file or directory"
        }
    }

    @Test func emptyFileIsAnError() throws {
        try withTemporaryFile([]) { path in
            #expect { _ = try CaptureReader(path: path) } throws: { ($0 as? CaptureError)?.reason == "file is empty" }
        }
    }

    @Test func directoryIsAnError() {
        #expect { _ = try CaptureReader(path: "/tmp") } throws: { error in
            (error as? CaptureError)?.description == "/tmp: read failed: Is a directory"
        }
    }

    @Test func notACaptureSaysWhatTheFirstBytesAre() {
        let html = Array("<!DOCTYPE html>\n<html>".utf8)
        #expect { _ = try CaptureReader(bytes: ByteBuffer(bytes: html), name: "page.pcap") } throws: { error in
            let error = error as? CaptureError
            return error?.code == .notACapture
                && error?.description == "page.pcap: not a pcap or pcapng capture: it starts with "
                    + "3c 21 44 4f 43 54 59 50 45 20 68 74 6d 6c 3e 0a (\"<!DOCTYPE html>.\")"
        }
    }

    @Test func compressedCaptureSaysSo() {
        let gzip: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]
        #expect { _ = try CaptureReader(bytes: ByteBuffer(bytes: gzip), name: "t.pcap.gz") } throws: { error in
            (error as? CaptureError)?.description == "t.pcap.gz: compressed with gzip; decompress it first"
        }
    }

    @Test func truncatedFileHeaderIsAnError() {
        let header = Array(PcapBuilder().bytes.prefix(10))
        #expect { _ = try CaptureReader(bytes: ByteBuffer(bytes: header), name: "t") } throws: { error in
            (error as? CaptureError)?.reason
                == "file ends inside the pcap (microsecond, little-endian) file header: 10 of 24 bytes"
        }
    }

    @Test func pcapngWithoutByteOrderMagicIsAnError() {
        var bytes = PcapNGBuilder().bytes
        bytes[8] = 0
        #expect { _ = try CaptureReader(bytes: ByteBuffer(bytes: bytes), name: "t") } throws: { error in
            (error as? CaptureError)?.code == .badSectionHeader
        }
    }

    @Test func readsAFileInChunksSmallerThanItsRecords() throws {
        var pcap = PcapBuilder()
        var generator = SplitMix64(seed: 7)
        for index in 0..<300 {
            let length = Int.random(in: 0...3_000, using: &generator)
            pcap.append(Array(repeating: UInt8(truncatingIfNeeded: index), count: length), seconds: UInt32(index))
        }
        let expected = try ReadResult(bytes: pcap.bytes)
        try withTemporaryFile(pcap.bytes) { path in
            let reader = try CaptureReader(path: path, limits: CaptureLimits(chunkSize: 4_096))
            let result = ReadResult(reader)
            #expect(result.diagnostics.isEmpty)
            #expect(result.frames.count == 300)
            #expect(result.payloads == expected.payloads)
            #expect(result.frames.map(\.fileOffset) == expected.frames.map(\.fileOffset))
            #expect(reader.bytesRead == Int64(pcap.bytes.count))
        }
    }

    @Test func readsAnOpenFileDescriptorUnderAnyName() throws {
        var pcap = PcapBuilder()
        pcap.append([1, 2, 3], seconds: 1)
        pcap.bytes += [0, 0]
        try withTemporaryFile(pcap.bytes) { path in
            let handle = try #require(FileHandle(forReadingAtPath: path))
            defer { try? handle.close() }
            let reader = try CaptureReader(fileDescriptor: handle.fileDescriptor, name: "-")
            #expect(reader.name == "-")
            let result = ReadResult(reader)
            #expect(result.payloads == [[1, 2, 3]])
            #expect(result.diagnostics.map(\.file) == ["-"])
        }
    }

    @Test func dashReadsStandardInput() throws {
        var pcap = PcapBuilder()
        pcap.append([7, 7], seconds: 1)
        try withTemporaryFile(pcap.bytes) { path in
            let handle = try #require(FileHandle(forReadingAtPath: path))
            defer { try? handle.close() }
            // Nothing else in the test process reads standard input; restore it all the same.
            let savedInput = dup(STDIN_FILENO)
            #expect(dup2(handle.fileDescriptor, STDIN_FILENO) == STDIN_FILENO)
            defer {
                dup2(savedInput, STDIN_FILENO)
                close(savedInput)
            }
            let result = ReadResult(try CaptureReader(path: "-"))
            #expect(result.payloads == [[7, 7]])
        }
    }

    @Test func keepsABoundedNumberOfDiagnostics() throws {
        var pcap = PcapBuilder()
        for index in 0..<5 {
            pcap.append([1], seconds: 1_700_000_000 + UInt32(index))
            pcap.bytes += Array(repeating: 0xFF, count: 16)
        }
        pcap.append([2], seconds: 1_700_000_005)
        let reader = try CaptureReader(
            bytes: ByteBuffer(bytes: pcap.bytes),
            name: "t",
            limits: CaptureLimits(maximumStoredDiagnostics: 2)
        )
        let result = ReadResult(reader)
        #expect(result.frames.count == 6)
        #expect(result.diagnostics.count == 2)
        #expect(reader.droppedDiagnosticCount == 3)
        #expect(reader.diagnostics.isEmpty)
    }

    /// Runs `body` with the path of a temporary file holding `bytes`, removed afterwards.
    private func withTemporaryFile(_ bytes: [UInt8], _ body: (String) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-\(UUID().uuidString).pcap")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url.path)
    }
}
