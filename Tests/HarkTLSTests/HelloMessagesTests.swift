import NIOCore
import Testing

@testable import HarkTLS

@Test func readsTheRFC8448Hellos() throws {
    let client = try #require(ClientHello(body: ByteBuffer(bytes: RFC8448.clientHelloRecord[9...])))
    #expect(client.random.bytes == Array(RFC8448.clientHelloRecord[11..<43]))
    #expect(client.serverName == "server")
    #expect(client.supportedVersions == [.tls13])
    #expect(client.alpn.isEmpty && !client.offersEarlyData)
    let server = try #require(ServerHello(body: ByteBuffer(bytes: RFC8448.serverHelloRecord[9...])))
    #expect(server.version == .tls13)
    #expect(server.cipherSuite == .tlsAES128GCMSHA256)
    #expect(!server.isHelloRetryRequest && !server.acceptsPreSharedKey)
}

@Test func rejectsTruncatedHellos() {
    for cut in [0, 1, 20, 34, 35, 40, 80, 150] {
        #expect(ClientHello(body: ByteBuffer(bytes: RFC8448.clientHelloRecord[9..<(9 + cut)])) == nil, "cut at \(cut)")
    }
    // 38 bytes would be a valid hello without extensions (legal before TLS 1.3).
    for cut in [0, 5, 34, 36, 37, 39, 40, 50] {
        #expect(ServerHello(body: ByteBuffer(bytes: RFC8448.serverHelloRecord[9..<(9 + cut)])) == nil, "cut at \(cut)")
    }
}

@Test func readsALPNFromEncryptedExtensions() throws {
    // RFC 8448's EncryptedExtensions has no ALPN; one with "h2" does.
    let plain = try #require(EncryptedExtensions(body: ByteBuffer(bytes: RFC8448.serverHandshakePayload[4..<40])))
    #expect(plain.alpn == nil)
    let alpn = helloExtension(16, [0, 3, 2] + Array("h2".utf8))
    let withALPN = try #require(EncryptedExtensions(body: ByteBuffer(bytes: bigEndian(UInt64(alpn.count), 2) + alpn)))
    #expect(withALPN.alpn == "h2")
    #expect(EncryptedExtensions(body: ByteBuffer(bytes: [0, 9, 0, 16])) == nil)
}
