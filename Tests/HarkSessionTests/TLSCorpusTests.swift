import Foundation
import HarkCore
import HarkFormat
import HarkHAR
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import Testing

/// HTTPS in the corpus through the whole pipeline: keys from a key log file and from the capture's own
/// Decryption Secrets Block, what a connection shows without keys, and what wrong or malformed keys do.
/// (The HTTP/1 and HTTP/2 oracle comparisons of these captures run in HTTP1CorpusTests and
/// HTTP2CorpusTests, with the key logs.)
struct TLSCorpusTests {
    static let heise = Fixtures.corpus("tls12-http1-heise-keylog.pcap")
    static let heiseKeys = Fixtures.corpus("tls12-http1-heise-keylog.keys")
    static let youtube = Fixtures.corpus("h2-tls13-youtube-dsb.pcapng")

    static func configuration(keyLogs: [URL]) -> SessionConfiguration {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = keyLogs.map(\.path)
        return configuration
    }

    @Test func tls12WithAKeyLogFileDecryptsEveryExchange() throws {
        let (recorder, _) = try runSession(Self.heise.path, configuration: Self.configuration(keyLogs: [Self.heiseKeys]))
        #expect(recorder.exchanges.count == 16)
        for exchange in recorder.exchanges {
            #expect(exchange.applicationProtocol == .http1)
            #expect(exchange.request.url(server: exchange.connection.server).hasPrefix("https://www.heise.de/"))
            #expect([200, 304].contains(exchange.response?.status.rawValue), "statuses as in the oracle")
            #expect(exchange.connection.tls?.isDecrypted == true)
        }
        let tls = try #require(recorder.connections.first?.tls)
        #expect(tls.version == "TLS 1.2")
        #expect(tls.cipherSuite == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
        #expect(tls.serverName == "www.heise.de")
        #expect(tls.alpn == "http/1.1")
        #expect(recorder.diagnostics.filter { $0.severity == .error }.isEmpty, "\(recorder.diagnostics)")
    }

    @Test func tls13WithTheCapturesOwnSecretsNeedsNoKeyLog() throws {
        let (recorder, _) = try runSession(Self.youtube.path)
        #expect(recorder.exchanges.count == 15, "the oracle's 15 HTTP/2 requests")
        #expect(recorder.exchanges.allSatisfy { $0.applicationProtocol == .http2 && $0.request.scheme == "https" })
        let tls = try #require(recorder.connections.first?.tls)
        #expect(tls.version == "TLS 1.3")
        #expect(tls.cipherSuite == "TLS_AES_128_GCM_SHA256")
        #expect(tls.alpn == "h2", "ALPN from the decrypted EncryptedExtensions")
        #expect(tls.offeredALPN == ["h2", "http/1.1"])
        #expect(tls.isDecrypted)
    }

    @Test func withoutKeysTheConnectionIsStillDescribed() throws {
        let (recorder, _) = try runSession(Self.heise.path)
        let connection = try #require(recorder.connections.first)
        let tls = try #require(connection.tls)
        #expect(connection.applicationProtocol == .tls)
        #expect(tls.serverName == "www.heise.de")
        #expect(tls.version == "TLS 1.2")
        #expect(tls.alpn == "http/1.1", "TLS 1.2 sends ALPN in the clear")
        #expect(tls.notDecryptedReason == "no key log given (use --keylog)")
        #expect(tls.handshakeDuration != nil)
        // One stand-in exchange for the connection, so that traces show it.
        #expect(recorder.exchanges.count == 1)
        let standIn = try #require(recorder.exchanges.first)
        #expect(standIn.applicationProtocol == .tls)
        #expect(standIn.request.url(server: standIn.connection.server) == "https://www.heise.de/")
        #expect(standIn.problems.first?.hasPrefix("TLS not decrypted: no key log given") == true)
        #expect(standIn.request.body.wireBytes == Int(connection.summary.clientToServer.payloadBytes))
    }

    @Test func aWrongKeyIsReportedForItsConnection() throws {
        let text = try String(contentsOf: Self.heiseKeys, encoding: .utf8)
        // Change the master secret's last hex digit.
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("CLIENT_RANDOM") })
        let last = try #require(line.last)
        let wrong = line.dropLast() + (last == "0" ? "1" : "0")
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("hark-wrong-\(getpid()).keys")
        try (String(wrong) + "\n").write(to: keys, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keys) }

        let (recorder, _) = try runSession(Self.heise.path, configuration: Self.configuration(keyLogs: [keys]))
        let failures = recorder.diagnostics.filter { $0.message.contains("failed authentication") }
        #expect(!failures.isEmpty, "\(recorder.diagnostics)")
        #expect(failures.allSatisfy { $0.connectionID == 0 })
        let tls = try #require(recorder.connections.first?.tls)
        #expect(tls.notDecryptedReason?.contains("authentication failed") == true, "\(tls)")
        #expect(recorder.exchanges.filter { $0.applicationProtocol == .http1 }.isEmpty)
    }

    @Test func malformedKeyLogLinesAreReportedWithTheirLineNumbers() throws {
        let good = try String(contentsOf: Self.heiseKeys, encoding: .utf8)
        let keys = FileManager.default.temporaryDirectory.appendingPathComponent("hark-malformed-\(getpid()).keys")
        try ("# a comment\nCLIENT_RANDOM nothex 00\n" + good).write(to: keys, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: keys) }

        let (recorder, _) = try runSession(Self.heise.path, configuration: Self.configuration(keyLogs: [keys]))
        let malformed = recorder.diagnostics.filter { $0.file == keys.path }
        #expect(malformed.count == 1, "\(recorder.diagnostics)")
        #expect(malformed.first?.message.contains("line 2") == true, "\(malformed)")
        #expect(recorder.exchanges.count == 16, "the good line still decrypts")
    }

    @Test func harHasHTTPSURLsTLSTimingsAndTLSDetails() throws {
        let (recorder, _) = try runSession(Self.heise.path, configuration: Self.configuration(keyLogs: [Self.heiseKeys]))
        let first = try #require(recorder.exchanges.min { $0.request.firstByte < $1.request.firstByte })
        let entry = HAREntry(exchange: first, options: .init())
        let tls = try #require(first.connection.tls)
        let handshake = try #require(first.connection.handshake, "the first exchange carries the handshakes")
        let ssl = try #require(tls.handshakeDuration).milliseconds
        #expect(abs(entry.timings.ssl - ssl) < 0.001)
        #expect(entry.timings.connect >= entry.timings.ssl, "HAR 1.2: ssl is inside connect")
        let tcp = handshake.completedTime.since(handshake.synTime).milliseconds
        #expect(entry.timings.connect > tcp, "connect runs to the end of the TLS handshake")
        #expect(entry.tls == HARTLS(version: "TLS 1.2", cipherSuite: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", serverName: "www.heise.de", alpn: "http/1.1"))
        #expect(entry.request.url.hasPrefix("https://www.heise.de/"))
        let later = try #require(recorder.exchanges.first { $0.id != first.id })
        #expect(HAREntry(exchange: later, options: .init()).timings.ssl == -1, "a reused connection has no ssl phase")
    }
}
