import Foundation
import HarkCore
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import Testing

/// Records every cipher case on loopback (nginx, curl, tcpdump) and checks what a decrypting test will
/// rely on: a connection in the capture for each run, key log secrets for each connection, nginx's log
/// agreeing with each case, and, where tshark is installed, tshark decrypting the same requests.
struct TLSLoopbackRecorderTests {
    static let tsharkIsInstalled = (try? HARValidator.run(["which", "tshark"]).status) == 0

    /// The NSS key log labels each TLS 1.3 connection needs (EXPORTER_SECRET is there too, not needed).
    static let tls13Labels = [
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    ]

    @Test(.enabled(if: TLSLoopbackRecorder.canRecord, "needs root, tcpdump, nginx, openssl and curl (installed by .ci/run)"))
    func everyCaseHasItsConnectionsRequestsAndKeys() throws {
        let recording = try TLSLoopbackRecorder.shared()
        let cases = TLSLoopbackRecorder.allCipherCases
        #expect(recording.cases.map(\.case) == cases)
        #expect(recording.serverLog.count == cases.map(\.requests.count).reduce(0, +))

        // The capture: hark finds exactly the runs' connections, each with traffic both ways.
        let (session, _) = try runSession(recording.capture.path)
        let byClientPort = Dictionary(grouping: session.connections) { Int($0.summary.info.client.port) }
        #expect(byClientPort.count == cases.map(\.connectionCount).reduce(0, +))
        for run in recording.cases {
            #expect(run.clientPorts.count == run.case.connectionCount, "\(run.case)")
            for port in run.clientPorts {
                let connection = try #require(byClientPort[port]?.first, "\(run.case): no connection from port \(port)")
                #expect(Int(connection.summary.info.server.port) == run.serverPort, "\(run.case)")
                #expect(connection.summary.serverToClient.payloadBytes > 0, "\(run.case)")
            }
            let uploadPort = try #require(run.serverLog.last?.clientPort, "\(run.case)")
            let upload = byClientPort[uploadPort]?.first?.summary.clientToServer.payloadBytes ?? 0
            #expect(upload > TLSLoopbackRecorder.uploadBody.count, "\(run.case): the upload is in the capture")
        }

        // nginx: the case's suite, versions and statuses on every line.
        for run in recording.cases {
            #expect(run.serverLog.map(\.cipher) == run.case.requests.map { _ in run.case.cipher }, "\(run.case)")
            #expect(run.serverLog.allSatisfy { $0.tlsVersion == run.case.tlsVersion.rawValue }, "\(run.case)")
            #expect(run.serverLog.allSatisfy { $0.httpVersion == run.case.httpVersion.rawValue }, "\(run.case)")
            #expect(run.serverLog.map(\.status) == run.case.requests.map(\.status), "\(run.case)")
            let upload = try #require(run.serverLog.last, "\(run.case)")
            #expect(upload.requestLength > TLSLoopbackRecorder.uploadBody.count, "\(run.case): the upload's body is counted")
        }
        let resumed = recording.cases.filter(\.case.resumesSession)
        #expect(resumed.count == 2 && resumed.allSatisfy { $0.serverLog.last?.sessionReused == true })

        // The key log: per TLS 1.2 connection a CLIENT_RANDOM with a 48-byte master secret, per TLS 1.3
        // connection the four traffic secrets, as long as the suite's hash.
        let keyLog = try String(contentsOf: recording.keyLog, encoding: .utf8)
        #expect(keyLog.split(separator: "\n").count == recording.cases.map(\.keyLog.count).reduce(0, +))
        for run in recording.cases {
            let entries = run.keyLog.map { $0.split(separator: " ").map(String.init) }
            #expect(entries.allSatisfy { $0.count == 3 }, "\(run.case): \(run.keyLog)")
            let labels = run.case.tlsVersion == .tls12 ? ["CLIENT_RANDOM"] : Self.tls13Labels
            let secretLength = run.case.tlsVersion == .tls12 || run.case.cipher.hasSuffix("SHA384") ? 48 : 32
            for label in labels {
                let lines = entries.filter { $0.first == label }
                #expect(Set(lines.map { $0[1] }).count == run.case.connectionCount, "\(run.case): one \(label) per connection")
                #expect(lines.allSatisfy { $0[1].count == 64 && $0[2].count == secretLength * 2 }, "\(run.case): \(label)")
            }
        }
    }

    @Test(.enabled(if: TLSLoopbackRecorder.canRecord && tsharkIsInstalled, "needs what the recorder needs, and tshark"))
    func tsharkDecryptsWhatNginxServed() throws {
        let recording = try TLSLoopbackRecorder.shared()
        let keys = "tls.keylog_file:\(recording.keyLog.path)"

        // Each ServerHello: the forced suite, and encrypt_then_mac (extension 22) exactly where expected.
        let hellos = try tshark(
            ["-r", recording.capture.path, "-o", keys, "-Y", "tls.handshake.type == 2",
             "-T", "fields", "-E", "separator=/t", "-e", "tcp.dstport", "-e", "tls.handshake.ciphersuite",
             "-e", "tls.handshake.extension.type"]
        )
        #expect(hellos.count == recording.cases.map(\.case.connectionCount).reduce(0, +))
        for fields in hellos {
            let port = try #require(fields.first.flatMap { Int($0) })
            let run = try #require(recording.caseRecording(clientPort: port), "ServerHello to port \(port)")
            let suite = fields.count > 1 ? UInt16(fields[1].dropFirst(2), radix: 16) : nil
            #expect(suite == run.case.cipherSuite, "\(run.case)")
            let extensions = fields.count > 2 ? fields[2].split(separator: ",") : []
            #expect(extensions.contains("22") == run.case.usesEncryptThenMac, "\(run.case): encrypt_then_mac")
        }

        // The decrypted requests and responses: as many on each connection as nginx logged.
        let messages = try tshark(
            ["-r", recording.capture.path, "-o", keys, "-Y",
             "http.request or http.response or http2.headers.method or http2.headers.status",
             "-T", "fields", "-E", "separator=/t", "-e", "tcp.srcport", "-e", "tcp.dstport",
             "-e", "http.request.method", "-e", "http2.headers.method", "-e", "http.response.code",
             "-e", "http2.headers.status"]
        )
        var requests: [Int: Int] = [:]
        var responses: [Int: Int] = [:]
        for fields in messages where fields.count == 6 {
            let count = { (field: String) in field.split(separator: ",").count }
            if let client = Int(fields[0]) { requests[client, default: 0] += count(fields[2]) + count(fields[3]) }
            if let client = Int(fields[1]) { responses[client, default: 0] += count(fields[4]) + count(fields[5]) }
        }
        let logged = Dictionary(grouping: recording.serverLog, by: \.clientPort).mapValues(\.count)
        for run in recording.cases {
            for port in run.clientPorts {
                #expect(requests[port] == logged[port], "\(run.case): requests tshark decrypted from port \(port)")
                #expect(responses[port] == logged[port], "\(run.case): responses tshark decrypted to port \(port)")
            }
        }
    }

    @Test(.enabled(if: TLSLoopbackRecorder.canRecord, "needs root, tcpdump, nginx, openssl and curl (installed by .ci/run)"))
    func aRunThatNegotiatesAnotherSuiteIsAnError() throws {
        var mislabelled = TLSLoopbackRecorder.Case.tls13("TLS_AES_128_GCM_SHA256", 0x1301, .http2)
        mislabelled.curlArguments = ["--tlsv1.3", "--tls13-ciphers", "TLS_AES_256_GCM_SHA384", "--http2"]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-tls-mismatch-\(getpid())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = #expect(throws: TLSLoopbackRecorder.Failure.self) {
            // The shared recording may be running: the two ports after its own are free.
            try TLSLoopbackRecorder.record(cases: [mislabelled], directory: directory, basePort: TLSLoopbackRecorder.defaultBasePort + 2)
        }
        let message = error?.description ?? ""
        #expect(message.contains("nginx logged cipher TLS_AES_256_GCM_SHA384, expected TLS_AES_128_GCM_SHA256"), "\(message)")
    }

    /// Runs tshark and returns its standard output as tab-separated fields per line.
    private func tshark(_ arguments: [String]) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tshark"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "tshark \(arguments)")
        return text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}
