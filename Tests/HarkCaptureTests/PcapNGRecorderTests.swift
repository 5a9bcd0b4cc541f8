import Foundation
import Glibc
import HarkCapture
import HarkCore
import HarkFormat
import HarkTestSupport
import NIOCore
import Testing

/// `-w FILE.pcapng`: what the recorder writes reads back as the same records, with the run's secrets
/// in Decryption Secrets Blocks ahead of the packets that need them.
struct PcapNGRecorderTests {
    private static let keyLine = Array("CLIENT_RANDOM \(String(repeating: "ab", count: 32)) \(String(repeating: "cd", count: 48))\n".utf8)

    private func temporaryFile(_ suffix: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("hark-recorder-\(UUID().uuidString)\(suffix)")
    }

    /// Reads `input` to its end through a recorder writing to `output`.
    private func record(_ input: any CaptureInput, to output: URL, keyLogs: [String] = [], followed: [String] = [])
        throws -> [CaptureRecord]
    {
        let descriptor = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let recorder = PcapNGRecorder(
            input, writingTo: FileDescriptorSink(fileDescriptor: descriptor), path: output.path,
            keyLogPaths: keyLogs, followedKeyLogPaths: followed
        )
        var records: [CaptureRecord] = []
        while recorder.read(maximumFrames: 16, maximumBytes: .max, record: { records.append($0) }, diagnostic: { _ in }) {}
        #expect(recorder.takeDiagnostics().isEmpty)
        return records
    }

    @Test func encodedBlocksReadBackAsTheSameFramesAndSecrets() throws {
        var encoder = PcapNGEncoder(application: "hark")
        let frames = [
            CapturedFrame(number: 1, timestamp: Timestamp(nanoseconds: 1_700_000_000_123_456_789), linkType: .ethernet,
                interfaceIndex: 0, originalLength: 5, data: ByteBuffer(bytes: [1, 2, 3, 4, 5]), fileOffset: -1),
            CapturedFrame(number: 2, timestamp: Timestamp(nanoseconds: 1_700_000_001_000_000_001), linkType: .nflog,
                interfaceIndex: 0, originalLength: 1_500, data: ByteBuffer(bytes: [6]), fileOffset: -1),
            CapturedFrame(number: 3, timestamp: Timestamp(nanoseconds: 1_700_000_002_000_000_000), linkType: .ethernet,
                interfaceIndex: 0, originalLength: 3, data: ByteBuffer(bytes: [7, 8, 9]), fileOffset: -1),
        ]
        encoder.append(frames[0])
        encoder.appendSecrets(.tlsKeyLog, Self.keyLine)
        encoder.append(frames[1])
        encoder.append(frames[2])

        let result = try ReadResult(bytes: encoder.take())
        #expect(result.diagnostics.isEmpty)
        #expect(result.payloads == [[1, 2, 3, 4, 5], [6], [7, 8, 9]])
        #expect(result.frames.map(\.timestamp) == frames.map(\.timestamp), "nanoseconds kept")
        #expect(result.frames.map(\.linkType) == [.ethernet, .nflog, .ethernet], "one interface per link type")
        #expect(result.frames.map(\.originalLength) == [5, 1_500, 3])
        #expect(result.secrets.map { Array($0.data.readableBytesView) } == [Self.keyLine])
        #expect(result.secrets.first?.type == .tlsKeyLog)
        #expect(encoder.bytes.isEmpty, "taken")
    }

    @Test func aRecordedCorpusCaptureHoldsTheSamePacketsAndItsSecrets() throws {
        let capture = Fixtures.corpus("h2-tls13-youtube-dsb.pcapng")
        let output = temporaryFile(".pcapng")
        defer { try? FileManager.default.removeItem(at: output) }
        let passed = try record(try CaptureReader(path: capture.path), to: output)

        let original = ReadResult(try CaptureReader(path: capture.path))
        let written = ReadResult(try CaptureReader(path: output.path))
        #expect(passed.count == original.frames.count + original.secrets.count, "every record passed on")
        #expect(written.diagnostics.isEmpty)
        #expect(written.payloads == original.payloads)
        #expect(written.frames.map(\.timestamp) == original.frames.map(\.timestamp))
        #expect(written.frames.map(\.originalLength) == original.frames.map(\.originalLength))
        #expect(written.secrets.map { Array($0.data.readableBytesView) } == original.secrets.map { Array($0.data.readableBytesView) })
    }

    @Test func keyLogsGivenAtTheStartComeBeforeThePackets() throws {
        let keyLog = temporaryFile(".keys")
        try Data(Self.keyLine).write(to: keyLog)
        let output = temporaryFile(".pcapng")
        defer {
            try? FileManager.default.removeItem(at: keyLog)
            try? FileManager.default.removeItem(at: output)
        }
        _ = try record(try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path), to: output, keyLogs: [keyLog.path])
        let written = ReadResult(try CaptureReader(path: output.path))
        let secrets = try #require(written.secrets.first)
        #expect(Array(secrets.data.readableBytesView) == Self.keyLine)
        #expect(secrets.fileOffset < (written.frames.first?.fileOffset ?? 0))
    }

    @Test func secretsThatArriveAfterTheirPacketsAreWrittenAheadOfThem() throws {
        // A followed key log gains its line only after the packets were read (as a TLS 1.3 client
        // writes its handshake secret after the ServerHello): the packets wait, the secrets go first.
        let keyLog = temporaryFile(".keys")
        FileManager.default.createFile(atPath: keyLog.path, contents: Data())
        let output = temporaryFile(".pcapng")
        defer {
            try? FileManager.default.removeItem(at: keyLog)
            try? FileManager.default.removeItem(at: output)
        }
        let descriptor = open(output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let recorder = PcapNGRecorder(
            try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path),
            writingTo: FileDescriptorSink(fileDescriptor: descriptor), path: output.path, followedKeyLogPaths: [keyLog.path]
        )
        var frames = 0
        _ = recorder.read(maximumFrames: 5, maximumBytes: .max, record: { _ in frames += 1 }, diagnostic: { _ in })
        #expect(frames == 5)
        let appended = FileHandle(forWritingAtPath: keyLog.path)
        appended?.seekToEndOfFile()
        appended?.write(Data(Self.keyLine + Array("CLIENT_RANDOM partial".utf8)))
        try appended?.close()
        while recorder.read(maximumFrames: 64, maximumBytes: .max, record: { _ in }, diagnostic: { _ in }) {}

        let written = ReadResult(try CaptureReader(path: output.path))
        let secrets = try #require(written.secrets.first)
        #expect(written.secrets.count == 1, "one block, for the complete line only")
        #expect(Array(secrets.data.readableBytesView) == Self.keyLine)
        #expect(secrets.fileOffset < (written.frames.first?.fileOffset ?? 0), "ahead of the packets read before it came")
        #expect(written.frames.count == ReadResult(try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path)).frames.count)
    }

    @Test func aFailedWriteIsReportedOnceAndTheRunGoesOn() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0, "/dev/full is there on Linux")
        defer { close(full) }
        let recorder = PcapNGRecorder(
            try CaptureReader(path: Fixtures.corpus("http1-browse-bro-org.pcap").path),
            writingTo: FileDescriptorSink(fileDescriptor: full), path: "out.pcapng"
        )
        var frames = 0
        var diagnostics: [Diagnostic] = []
        while recorder.read(maximumFrames: 8, maximumBytes: .max, record: { _ in frames += 1 }, diagnostic: { diagnostics.append($0) }) {}
        diagnostics += recorder.takeDiagnostics()
        #expect(frames > 8, "reading went on")
        #expect(diagnostics.map(\.message) == ["cannot write out.pcapng: No space left on device; the recording stops here"])
    }
}
