import Foundation
import Glibc
import HarkCapture
import HarkCore
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import Testing

/// A key log that grows while the capture is read (as a launched command's SSLKEYLOGFILE does): the
/// secrets reach the file only after the connection's packets, and the connection is still decrypted.
struct LateKeyTests {
    /// Records a session and writes the key log once the first FIN went by: after every record of the
    /// connection's handshake and requests.
    struct LateKeyWriter: SessionObserver {
        var recorder = SessionRecorder()
        let keys: String
        let keyLog: URL
        var written = false

        mutating func tcpEvent(_ event: TCPEvent) {
            recorder.tcpEvent(event)
            guard !written, case .fin = event.kind else { return }
            written = true
            // Appended, as SSLKEYLOGFILE writers do.
            if let handle = FileHandle(forWritingAtPath: keyLog.path) {
                handle.seekToEndOfFile()
                handle.write(Data(keys.utf8))
                try? handle.close()
            }
        }

        mutating func exchange(_ exchange: Exchange) { recorder.exchange(exchange) }
        mutating func connectionClosed(_ connection: ConnectionRecord) { recorder.connectionClosed(connection) }
        mutating func diagnostic(_ diagnostic: Diagnostic) { recorder.diagnostic(diagnostic) }
    }

    /// Runs heise (TLS 1.2, one connection, 16 exchanges) one frame at a time with its key log written
    /// at the first FIN into a file that starts empty.
    private func run(_ configure: (inout SessionConfiguration, String) -> Void) throws -> SessionRecorder {
        let keyLog = FileManager.default.temporaryDirectory.appendingPathComponent("hark-late-\(getpid())-\(UUID().uuidString).keys")
        try Data().write(to: keyLog)
        defer { try? FileManager.default.removeItem(at: keyLog) }
        var configuration = SessionConfiguration()
        configuration.readsAhead = false
        configure(&configuration, keyLog.path)
        let keys = try String(contentsOf: TLSCorpusTests.heiseKeys, encoding: .utf8)
        var writer = LateKeyWriter(keys: keys, keyLog: keyLog)
        let reader = try CaptureReader(path: TLSCorpusTests.heise.path)
        _ = CaptureSession(reader: reader, configuration: configuration).run(observer: &writer)
        #expect(writer.written, "the key log was written during the session")
        return writer.recorder
    }

    @Test func keysLoggedAfterTheConnectionStillDecryptIt() throws {
        let recorder = try run { configuration, path in
            configuration.followedKeyLogPaths = [path]
            // The capture's connection lasts longer than the default wait; live, keys come within milliseconds.
            configuration.keyWait.maximumDelay = .seconds(3600)
        }
        #expect(recorder.exchanges.count == 16)
        #expect(recorder.exchanges.allSatisfy { $0.connection.tls?.isDecrypted == true && $0.response != nil })
        #expect(recorder.connections.first?.tls?.isDecrypted == true)
    }

    @Test func aKeyLogReadOnlyAtTheStartMissesThem() throws {
        let recorder = try run { configuration, path in configuration.keyLogPaths = [path] }
        #expect(recorder.exchanges.count == 1, "the stand-in of an undecrypted connection")
        #expect(recorder.connections.first?.tls?.isDecrypted == false)
    }

    @Test func heldInputIsBounded() throws {
        let recorder = try run { configuration, path in
            configuration.followedKeyLogPaths = [path]
            configuration.keyWait.maximumBytes = 1000
            configuration.keyWait.maximumDelay = .seconds(3600)
        }
        #expect(recorder.connections.first?.tls?.isDecrypted == false, "replayed without keys once 1000 bytes were held")
    }
}

extension LateKeyTests {
    @Test func heldInputWaitsAtMostTheDelay() throws {
        let recorder = try run { configuration, path in
            configuration.followedKeyLogPaths = [path]
            configuration.keyWait.maximumDelay = .milliseconds(1)
        }
        #expect(recorder.connections.first?.tls?.isDecrypted == false, "replayed without keys after 1 ms of capture time")
    }
}
