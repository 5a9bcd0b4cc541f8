import Crypto
import Foundation
import HarkCapture
import HarkCore
import HarkModel
import HarkPacket
import HarkReassembly
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkTLS

/// Feeds every TCP connection of a capture to its own `TLSAnalyzer`, as the session would for a
/// connection found to be TLS.
struct TLSFeeder: TCPStreamHandler {
    let keyLog: TLSKeyLog
    var analyzers: [Int: TLSAnalyzer] = [:]
    /// Connection ids in the order opened (tshark's tcp.stream order).
    var connections: [Int] = []
    var transcripts: [Int: Transcript] = [:]

    mutating func connectionOpened(_ connection: TCPConnectionInfo) {
        connections.append(connection.id)
        analyzers[connection.id] = TLSAnalyzer(keyLog: keyLog)
        transcripts[connection.id] = Transcript()
    }

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        var events: [TLSEvent] = []
        analyzers[connection]?.receive(bytes, from: direction, at: time) { events.append($0) }
        record(events, connection)
    }

    mutating func gap(_ length: Int, connection: Int, direction: Direction, at time: Timestamp) {
        var events: [TLSEvent] = []
        analyzers[connection]?.gap(length, in: direction, at: time) { events.append($0) }
        record(events, connection)
    }

    mutating func streamEnded(connection: Int, direction: Direction, reason: StreamEndReason, at time: Timestamp) {
        var events: [TLSEvent] = []
        analyzers[connection]?.finish(direction, at: time) { events.append($0) }
        record(events, connection)
    }

    private mutating func record(_ events: [TLSEvent], _ connection: Int) {
        transcripts[connection]?.events += events
        if let session = analyzers[connection]?.session {
            transcripts[connection]?.session = session
        }
    }

    /// The first connection's transcript (the TLS captures here hold one connection each).
    var first: Transcript { connections.first.flatMap { transcripts[$0] } ?? Transcript() }
}

/// Runs a corpus capture's TCP payloads through TLS analyzers sharing `keyLog`; with `secretsFromFile`,
/// the capture's own Decryption Secrets Blocks are added to it as they are read.
func analyzeTLS(_ name: String, keyLog: TLSKeyLog, secretsFromFile: Bool = false) throws -> TLSFeeder {
    let reader = try CaptureReader(path: Fixtures.corpus(name).path)
    var decoder = PacketDecoder()
    var reassembler = TCPReassembler()
    var feeder = TLSFeeder(keyLog: keyLog)
    while let record = reader.next() {
        switch record {
        case .decryptionSecrets(let secrets):
            if secretsFromFile, secrets.type == .tlsKeyLog {
                #expect(keyLog.add(secrets.data.readableBytesView, source: "\(name) DSB").isEmpty)
            }
        case .frame(let frame):
            guard
                case .tcp(let segment) = decoder.decode(
                    frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
            else { continue }
            reassembler.process(segment, at: frame.timestamp, packetNumber: frame.number, handler: &feeder)
        }
    }
    reassembler.finish(handler: &feeder)
    return feeder
}

/// A key log holding a corpus `.keys` file.
func corpusKeyLog(_ name: String, editing edit: (inout String) -> Void = { _ in }) throws -> TLSKeyLog {
    var text = try String(contentsOf: Fixtures.corpus(name), encoding: .utf8)
    edit(&text)
    let keyLog = TLSKeyLog()
    #expect(keyLog.add(Array(text.utf8), source: name).isEmpty)
    return keyLog
}

/// The oracle's rows that carry a request method.
func oracleRequestCount(_ name: String, methodColumn: Int) throws -> Int {
    let lines = try String(contentsOf: Fixtures.corpus(name), encoding: .utf8).split(separator: "\n").dropFirst(3)
    return lines.filter { line in
        let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
        return columns.count > methodColumn && !columns[methodColumn].isEmpty
    }.count
}

/// HTTP/1.1 request lines (`METHOD target HTTP/1.1`) in a client byte stream.
func requestLines(_ bytes: [UInt8]) -> [String] {
    String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n").filter { line in
        let parts = line.split(separator: " ")
        return parts.count == 3 && parts[2] == "HTTP/1.1" && parts[0].allSatisfy { $0.isUppercase }
    }
}

/// The type of each HTTP/2 frame in a stream that starts after `skipping` bytes.
func http2FrameTypes(_ bytes: [UInt8], skipping prefix: Int) -> [UInt8] {
    var types: [UInt8] = []
    var index = prefix
    while index + 9 <= bytes.count {
        let length = Int(bytes[index]) << 16 | Int(bytes[index + 1]) << 8 | Int(bytes[index + 2])
        types.append(bytes[index + 3])
        index += 9 + length
    }
    return types
}

private let heise = "tls12-http1-heise-keylog.pcap"
private let youtube = "h2-tls13-youtube-dsb.pcapng"
private let http2Preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

@Test func heiseTLS12CaptureDecryptsToSixteenHTTP1Requests() throws {
    let feeder = try analyzeTLS(heise, keyLog: try corpusKeyLog("tls12-http1-heise-keylog.keys"))
    #expect(feeder.connections.count == 1)
    let transcript = feeder.first
    #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
    let info = try #require(transcript.completions.first)
    #expect(info.version == .tls12)
    #expect(info.cipherSuite == TLSCipherSuite(rawValue: 0xC030))
    #expect(info.cipherSuite?.description == "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    #expect(info.serverName == "www.heise.de")
    #expect(info.alpn == "http/1.1")
    #expect(info.offeredALPN.contains("http/1.1"))
    #expect(info.decryption == .decrypted)
    let client = transcript.plaintext(.clientToServer)
    let server = transcript.plaintext(.serverToClient)
    #expect(requestLines(Array(client.prefix(200))).count == 1, "the client stream starts with a request line")
    #expect(
        requestLines(client).count == (try oracleRequestCount("tls12-http1-heise-keylog.oracle.tsv", methodColumn: 2)))
    #expect(requestLines(client).count == 16)
    #expect(server.starts(with: Array("HTTP/1.1 200".utf8)))
    #expect(transcript.gapBytes(.clientToServer) == 0 && transcript.gapBytes(.serverToClient) == 0)
}

@Test func youtubeTLS13CaptureDecryptsToHTTP2WithKeysFromFileOrBlock() throws {
    let fromFile = try analyzeTLS(youtube, keyLog: try corpusKeyLog("h2-tls13-youtube-dsb.keys")).first
    let fromBlock = try analyzeTLS(youtube, keyLog: TLSKeyLog(), secretsFromFile: true).first
    for transcript in [fromFile, fromBlock] {
        #expect(transcript.diagnostics.isEmpty, "\(transcript.diagnostics)")
        let info = try #require(transcript.completions.first)
        #expect(info.version == .tls13)
        #expect(info.cipherSuite == .tlsAES128GCMSHA256)
        #expect(info.cipherSuite?.description == "TLS_AES_128_GCM_SHA256")
        #expect(info.alpn == "h2")
        #expect(info.serverName == "youtube.com")
        #expect(info.decryption == .decrypted)
        #expect(transcript.plaintext(.clientToServer).starts(with: http2Preface))
    }
    let client = fromFile.plaintext(.clientToServer)
    #expect(client == fromBlock.plaintext(.clientToServer))
    #expect(fromFile.plaintext(.serverToClient) == fromBlock.plaintext(.serverToClient))
    // Every frame boundary lines up, and the client sent one HEADERS frame per request tshark lists.
    let requests = try oracleRequestCount("h2-tls13-youtube-dsb.oracle.tsv", methodColumn: 4)
    #expect(http2FrameTypes(client, skipping: http2Preface.count).filter { $0 == 1 }.count == requests)
    #expect(
        http2FrameTypes(fromFile.plaintext(.serverToClient), skipping: 0).first == 4, "the server starts with SETTINGS")
}

@Test func aWrongMasterSecretFailsAuthenticationWithoutCrashing() throws {
    let keyLog = try corpusKeyLog("tls12-http1-heise-keylog.keys") { text in
        // Flip the first hex digit of the master secret (the third field).
        guard let range = text.range(of: " 0d36faaa") else { return }
        text.replaceSubrange(range, with: " 1d36faaa")
    }
    let transcript = try analyzeTLS(heise, keyLog: keyLog).first
    let failures = transcript.diagnostics.filter { $0.kind == .authenticationFailed }
    #expect(failures.count == 1)
    #expect(failures.first?.description.contains("failed authentication: wrong key?") == true)
    #expect(transcript.plaintext(.clientToServer).isEmpty && transcript.plaintext(.serverToClient).isEmpty)
    #expect(transcript.gapBytes(.clientToServer) > 0 && transcript.gapBytes(.serverToClient) > 0)
    #expect(transcript.session.serverName == "www.heise.de")
    if case .failed(.authenticationFailed) = transcript.session.decryption {
    } else {
        Issue.record("decryption status \(transcript.session.decryption)")
    }
}

@Test(arguments: [heise, youtube])
func withoutTheKeyTheSessionIsStillDescribed(capture: String) throws {
    let keyLog = TLSKeyLog()
    keyLog.add(
        Array("CLIENT_RANDOM \(String(repeating: "00", count: 32)) \(String(repeating: "11", count: 48))\n".utf8),
        source: "other")
    let transcript = try analyzeTLS(capture, keyLog: keyLog).first
    let info = try #require(transcript.completions.first)
    #expect(info.decryption == .noKeys)
    #expect(info.version == (capture == heise ? .tls12 : .tls13))
    #expect(info.serverName == (capture == heise ? "www.heise.de" : "youtube.com"))
    #expect(transcript.diagnostics.filter { if case .noKeys = $0.kind { true } else { false } }.count == 1)
    #expect(transcript.diagnostics.count == 1)
    #expect(transcript.plaintext(.clientToServer).isEmpty)
    #expect(transcript.gapBytes(.serverToClient) > 0)
}

/// Length and SHA-256 of each direction's decrypted bytes as TShark 4.0.17 shows them with
/// `tshark -r CAPTURE -o tls.keylog_file:KEYS -q -z follow,tls,raw,0` (each node's hex lines joined).
private let tsharkStreams: [(capture: String, keys: String, client: (Int, String), server: (Int, String))] = [
    (
        heise, "tls12-http1-heise-keylog.keys",
        (9_715, "1f8bd88295851a8e6ca22a658633c0dde3f64456c06a1a26812841794b194c5f"),
        (147_270, "bcd82184d4f2517218b6d614d6d9686c8cd602b0345f451779d1ac6f7c583891")
    ),
    (
        youtube, "h2-tls13-youtube-dsb.keys",
        (5_264, "21a9c73f9d2b914b5fe7a22ce2f443c74ab51d567e971a772c1d862ae2508c05"),
        (1_825_333, "89bb21991598e94a90ad027b17a40a11ce00c2a4de6408cb4ac915c9cb0e2613")
    ),
]

@Test func decryptedStreamsAreTheBytesTsharkDecrypts() throws {
    for (capture, keys, client, server) in tsharkStreams {
        let transcript = try analyzeTLS(capture, keyLog: try corpusKeyLog(keys)).first
        for (direction, (length, digest)) in [(Direction.clientToServer, client), (.serverToClient, server)] {
            let bytes = transcript.plaintext(direction)
            #expect(bytes.count == length, "\(capture) \(direction)")
            #expect(hexString(SHA256.hash(data: bytes)) == digest, "\(capture) \(direction)")
        }
    }
}
