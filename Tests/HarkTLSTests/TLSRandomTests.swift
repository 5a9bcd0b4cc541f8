import Crypto
import NIOCore
import Testing

@testable import HarkTLS

@Test func theHelloRetryRequestRandomIsTheHashOfItsName() {
    #expect(TLSRandom.helloRetryRequest.bytes == Array(SHA256.hash(data: Array("HelloRetryRequest".utf8))))
}

@Test func randomsReadFromBuffersAndPrintAsHex() throws {
    var buffer = ByteBuffer(bytes: (0..<33).map { UInt8($0) })
    let random = try #require(TLSRandom(reading: &buffer))
    #expect(buffer.readableBytes == 1)
    #expect(random.bytes == (0..<32).map { UInt8($0) })
    #expect(random.description == "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
    #expect(TLSRandom(bytes: [1, 2, 3]) == nil)
    var short = ByteBuffer(bytes: [1, 2, 3])
    #expect(TLSRandom(reading: &short) == nil && short.readableBytes == 3)
}
