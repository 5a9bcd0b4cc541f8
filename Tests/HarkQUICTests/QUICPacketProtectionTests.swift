import Crypto
import HarkCore
import HarkTLS
import NIOCore
import Testing

@testable import HarkQUIC

/// The packet protection of RFC 9001 Appendix A and RFC 9369 Appendix A, byte for byte.
@Suite struct QUICPacketProtectionTests {
    static func hex(_ key: SymmetricKey) -> String { key.withUnsafeBytes { hexString($0) } }

    @Test func initialKeysOfVersion1MatchAppendixA1() throws {
        let keys = try #require(QUICInitialSecrets.keys(destinationConnectionID: QUICTestVectors.destinationConnectionID, version: .v1))
        #expect(hexString(keys.client.secret) == "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea")
        #expect(Self.hex(keys.client.key) == "1f369613dd76d5467730efcbe3b1a22d")
        #expect(hexString(keys.client.iv) == "fa044b2f42a3fd3b46fb255c")
        #expect(Self.hex(keys.client.headerProtectionKey) == "9f50449e04a0e810283a1e9933adedd2")
        #expect(hexString(keys.server.secret) == "3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b")
        #expect(Self.hex(keys.server.key) == "cf3a5331653c364c88f0f379b6067e37")
        #expect(hexString(keys.server.iv) == "0ac1493ca1905853b0bba03e")
        #expect(Self.hex(keys.server.headerProtectionKey) == "c206b8d9b9f0f37644430b490eeaa314")
    }

    @Test func initialKeysOfVersion2MatchRFC9369AppendixA1() throws {
        let keys = try #require(QUICInitialSecrets.keys(destinationConnectionID: QUICTestVectors.destinationConnectionID, version: .v2))
        #expect(hexString(keys.client.secret) == "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b")
        #expect(Self.hex(keys.client.key) == "8b1a0bc121284290a29e0971b5cd045d")
        #expect(hexString(keys.client.iv) == "91f73e2351d8fa91660e909f")
        #expect(Self.hex(keys.client.headerProtectionKey) == "45b95e15235d6f45a6b19cbcb0294ba9")
        #expect(hexString(keys.server.secret) == "0263db1782731bf4588e7e4d93b7463907cb8cd8200b5da55a8bd488eafc37c1")
        #expect(Self.hex(keys.server.key) == "82db637861d55e1d011f19ea71d5d2a7")
        #expect(hexString(keys.server.iv) == "dd13c276499c0249d3310652")
        #expect(Self.hex(keys.server.headerProtectionKey) == "edf6d05c83121201b436e16877593c3a")
    }

    @Test func theClientInitialOfAppendixA2Opens() throws {
        var packet = QUICTestVectors.clientInitial
        let header = try QUICPacketHeader.parse(packet, at: 0, shortHeaderCIDLength: 0).get()
        #expect(header.form == .long(.initial, .v1))
        #expect(Array(packet[header.destinationConnectionID]) == QUICTestVectors.destinationConnectionID)
        #expect(header.sourceConnectionID?.isEmpty == true)
        #expect(header.packetNumberOffset == 18)
        #expect(header.end == 1200)
        let keys = try #require(QUICInitialSecrets.keys(destinationConnectionID: QUICTestVectors.destinationConnectionID, version: .v1))
        let opened = try QUICPacketOpener.open(&packet, header: header, start: 0, keys: keys.client, largestReceived: nil).get()
        #expect(opened.packetNumber == 2)
        #expect(opened.payload.count == 1162)
        let frames = QUICFrameParser.parse(opened.payload)
        #expect(frames.error == nil)
        #expect(frames.frames.first == .crypto(offset: 0, data: QUICTestVectors.clientHello[...]))
        #expect(frames.frames.dropFirst().allSatisfy { $0 == .padding })
        // The other side's keys do not authenticate it (a fresh copy: opening works in place).
        #expect(throws: QUICPacketOpener.Failure.authenticationFailed) {
            var packet = QUICTestVectors.clientInitial
            return try QUICPacketOpener.open(&packet, header: header, start: 0, keys: keys.server, largestReceived: nil).get()
        }
    }

    @Test func theServerInitialOfAppendixA3Opens() throws {
        var packet = QUICTestVectors.serverInitial
        let header = try QUICPacketHeader.parse(packet, at: 0, shortHeaderCIDLength: 0).get()
        #expect(header.destinationConnectionID.isEmpty)
        #expect(header.sourceConnectionID.map { Array(packet[$0]) } == QUICTestVectors.bytes("f067a5502a4262b5"))
        let keys = try #require(QUICInitialSecrets.keys(destinationConnectionID: QUICTestVectors.destinationConnectionID, version: .v1))
        let opened = try QUICPacketOpener.open(&packet, header: header, start: 0, keys: keys.server, largestReceived: nil).get()
        #expect(opened.packetNumber == 1)
        let frames = QUICFrameParser.parse(opened.payload).frames
        #expect(frames == [.ack(largest: 0), .crypto(offset: 0, data: QUICTestVectors.serverHello[...])])
    }

    @Test func theChaChaShortHeaderPacketOfAppendixA5Opens() throws {
        let keys = QUICPacketKeys(secret: QUICTestVectors.chaChaSecret, cipher: .chaCha20Poly1305, keyLength: 32, hash: .sha256, version: .v1)
        #expect(Self.hex(keys.key) == "c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8")
        #expect(hexString(keys.iv) == "e0459b3474bdd0e44a41c144")
        #expect(Self.hex(keys.headerProtectionKey) == "25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4")
        #expect(keys.next().secret == QUICTestVectors.chaChaNextSecret)
        #expect(Self.hex(keys.next().headerProtectionKey) == Self.hex(keys.headerProtectionKey))
        #expect(keys.headerProtection?.mask(QUICTestVectors.bytes("5e5cd55c41f69080575d7999c25a5bfb"), sampleStart: 0)?.array == QUICTestVectors.bytes("aefefe7d03"))
        var packet = QUICTestVectors.chaChaPacket
        let header = try QUICPacketHeader.parse(packet, at: 0, shortHeaderCIDLength: 0).get()
        #expect(header.form == .short)
        let opened = try QUICPacketOpener.open(
            &packet, header: header, start: 0, keys: keys, largestReceived: QUICTestVectors.chaChaPacketNumber - 1
        ).get()
        #expect(opened.packetNumber == QUICTestVectors.chaChaPacketNumber)
        #expect(opened.payload == [0x01])
        #expect(QUICFrameParser.parse(opened.payload).frames == [.ping])
    }

    @Test func packetNumbersAreReconstructedAsInRFC9000AppendixA3() {
        #expect(QUICPacketOpener.decodePacketNumber(truncated: 0x9B32, bits: 16, largest: 0xA82F_30EA) == 0xA82F_9B32)
        #expect(QUICPacketOpener.decodePacketNumber(truncated: 0x00, bits: 8, largest: 0xFF) == 0x100)
        #expect(QUICPacketOpener.decodePacketNumber(truncated: 0xFF, bits: 8, largest: 0x100) == 0xFF)
        #expect(QUICPacketOpener.decodePacketNumber(truncated: 5, bits: 8, largest: nil) == 5)
    }

    @Test func versionTwoEncodesPacketTypesDifferently() {
        #expect(QUICVersion.v2.packetType(bits: 0b01) == .initial)
        #expect(QUICVersion.v2.packetType(bits: 0b11) == .handshake)
        #expect(QUICVersion.v1.packetType(bits: 0b10) == .handshake)
        #expect(QUICVersion.v1.packetType(bits: 0b00) == .initial)
    }
}
