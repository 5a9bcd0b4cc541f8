import Foundation
import HarkCore
import HarkModel
import HarkReassembly
import HarkSession
import HarkTestSupport
import NIOCore
import Testing

/// Real TLS on loopback (nginx with self-signed certificates, curl with SSLKEYLOGFILE, tcpdump): every
/// cipher suite hark decrypts, forced one curl run at a time, over HTTP/1.1 and h2; every request
/// decrypted and equal to what nginx logged, and a missing key costs only its own connections.
struct TLSLoopbackDecryptionTests {
    /// The HTTPS exchanges per client port, and the connections by client port.
    static func decrypt(keyLog: URL, capture: URL) throws -> (exchanges: [Int: [Exchange]], connections: [Int: ConnectionRecord], diagnostics: [Diagnostic]) {
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [keyLog.path]
        let (recorder, _) = try runSession(capture.path, configuration: configuration)
        let exchanges = Dictionary(grouping: recorder.exchanges.filter { $0.applicationProtocol != .tls }) { Int($0.connection.client.port) }
        let connections = Dictionary(recorder.connections.map { (Int($0.summary.info.client.port), $0) }) { first, _ in first }
        return (exchanges, connections, recorder.diagnostics)
    }

    @Test(.enabled(if: TLSLoopbackRecorder.canRecord, "needs root, tcpdump, nginx, openssl and curl (installed by .ci/run)"))
    func everyCipherSuiteDecryptsToWhatTheServerLogged() throws {
        let recording = try TLSLoopbackRecorder.shared()
        let (exchanges, connections, diagnostics) = try Self.decrypt(keyLog: recording.keyLog, capture: recording.capture)
        #expect(diagnostics.filter { $0.severity == .error }.isEmpty, "\(diagnostics.prefix(5))")

        for run in recording.cases {
            let expectedALPN = run.case.httpVersion == .http2 ? "h2" : "http/1.1"
            for port in run.clientPorts {
                let tls = try #require(connections[port]?.tls, "\(run.case): no TLS on port \(port)")
                #expect(tls.isDecrypted, "\(run.case): \(tls.notDecryptedReason ?? "")")
                #expect(tls.version == (run.case.tlsVersion == .tls13 ? "TLS 1.3" : "TLS 1.2"), "\(run.case)")
                #expect(tls.cipherSuite.hasPrefix("TLS_") && tls.cipherSuite == Self.ianaName(run.case.cipherSuite, tls.cipherSuite), "\(run.case): \(tls.cipherSuite)")
                #expect(tls.alpn == expectedALPN, "\(run.case)")
            }
            #expect(connections[run.clientPorts.last ?? 0]?.tls?.resumed == run.case.resumesSession, "\(run.case)")

            // Every request nginx logged, on the connection it came on, with its status and body sizes.
            for line in run.serverLog {
                let found = exchanges[line.clientPort] ?? []
                let exchange = try #require(
                    found.first { $0.request.method.rawValue == line.method && $0.request.target == line.uri },
                    "\(run.case): \(line.method) \(line.uri) not decrypted; found \(found.map(\.request.target))"
                )
                #expect(exchange.request.scheme == "https")
                #expect(exchange.response?.status.rawValue == line.status, "\(run.case) \(line.uri)")
                // nginx counts what it sent for the body: with chunk framing over HTTP/1.1 (gzip'd
                // bodies are chunked), DATA payloads over h2.
                let sent = run.case.httpVersion == .http2 ? exchange.response?.body.length : exchange.response?.body.wireBytes
                #expect(sent == line.bodyBytesSent, "\(run.case) \(line.uri): body bytes as nginx sent them")
                #expect(exchange.isComplete, "\(run.case) \(line.uri): \(exchange.problems)")
            }
            let requests = run.clientPorts.flatMap { exchanges[$0] ?? [] }
            #expect(requests.count == run.serverLog.count, "\(run.case): no exchange beyond nginx's log")

            // Bodies decrypted (and gunzipped) byte for byte.
            for exchange in requests {
                let body = exchange.response.map { $0.body.content.text }
                switch exchange.request.target {
                case "/small.txt": #expect(body == TLSLoopbackRecorder.smallBody, "\(run.case)")
                case "/big.txt": #expect(body == TLSLoopbackRecorder.bigBody, "\(run.case)")
                case "/upload":
                    #expect(exchange.request.body.content.byteArray == TLSLoopbackRecorder.uploadBody, "\(run.case)")
                    #expect(body == TLSLoopbackRecorder.uploadReply, "\(run.case)")
                default: Issue.record("\(run.case): unexpected \(exchange.request.target)")
                }
            }
        }
    }

    @Test(.enabled(if: TLSLoopbackRecorder.canRecord, "needs root, tcpdump, nginx, openssl and curl (installed by .ci/run)"))
    func aMissingKeyCostsOnlyItsOwnConnection() throws {
        let recording = try TLSLoopbackRecorder.shared()
        let withoutKeys = try #require(recording.cases.first { $0.case.tlsVersion == .tls12 && !$0.case.resumesSession })
        let dropped = Set(withoutKeys.keyLog)
        let lines = try String(contentsOf: recording.keyLog, encoding: .utf8).split(separator: "\n").map(String.init)
        let partial = recording.directory.appendingPathComponent("partial.keys")
        try lines.filter { !dropped.contains($0) }.joined(separator: "\n").appending("\n").write(to: partial, atomically: true, encoding: .utf8)

        let (exchanges, connections, _) = try Self.decrypt(keyLog: partial, capture: recording.capture)
        for run in recording.cases {
            for port in run.clientPorts {
                let tls = try #require(connections[port]?.tls, "\(run.case)")
                if run.case == withoutKeys.case {
                    #expect(tls.notDecryptedReason == "no key for this session in the key log", "\(run.case)")
                    #expect(tls.cipherSuite == Self.ianaName(run.case.cipherSuite, tls.cipherSuite), "still described")
                    #expect(exchanges[port] == nil, "\(run.case)")
                } else {
                    #expect(tls.isDecrypted, "\(run.case) still decrypts")
                }
            }
        }
    }

    /// `found` when it is the IANA name of `suite` as hark's TLS module names it, so a mismatch shows
    /// both. The IANA names hark uses are checked in HarkTLSTests; here the number must match.
    static func ianaName(_ suite: UInt16, _ found: String) -> String {
        let byNumber: [UInt16: String] = [
            0x1301: "TLS_AES_128_GCM_SHA256", 0x1302: "TLS_AES_256_GCM_SHA384", 0x1303: "TLS_CHACHA20_POLY1305_SHA256",
            0xC02F: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", 0xC030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            0xCCA8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xC02B: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            0x009C: "TLS_RSA_WITH_AES_128_GCM_SHA256", 0xC013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            0xC027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", 0xC028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
            0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
        ]
        return byNumber[suite] ?? "unlisted suite 0x\(String(suite, radix: 16))"
    }
}
