import HarkCore
import Testing

@testable import HarkHTTP3

/// The encoding examples of RFC 9204 Appendix B, decoded in order with one dynamic table, and what
/// hostile sections and encoder streams do.
@Suite struct QPACKExampleTests {
    /// The bytes a run of hex digits spells (test data only).
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8.filter { $0 != UInt8(ascii: " ") })
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0 }
    }

    static func decode(_ hex: String, _ encoder: QPACKEncoderStream) -> QPACKFieldSection.Result {
        var huffman = QPACKHuffman()
        return QPACKFieldSection.decode(bytes(hex), table: encoder.table, maxTableCapacity: 220, maxListSize: 4096, huffman: &huffman)
    }

    static func fields(_ pairs: [(String, String)]) -> QPACKFieldSection.Result {
        .fields(pairs.map { QPACKField(name: $0.0, value: $0.1) })
    }

    @Test func appendixBInOrder() {
        var encoder = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        // B.1: a literal with a static name reference, no dynamic table.
        #expect(Self.decode("0000 510b 2f69 6e64 6578 2e68 746d 6c", encoder) == Self.fields([(":path", "/index.html")]))
        // B.2: capacity 220, two inserts with static name references; post-base references.
        #expect(encoder.receive(Self.bytes("3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d c1 0c2f 7361 6d70 6c65 2f70 6174 68")) == nil)
        #expect(encoder.table.insertCount == 2)
        #expect(encoder.table.size == 106)
        #expect(Self.decode("0381 10 11", encoder) == Self.fields([(":authority", "www.example.com"), (":path", "/sample/path")]))
        // B.3: an insert with a literal name.
        #expect(encoder.receive(Self.bytes("4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565")) == nil)
        #expect(encoder.table.size == 160)
        // B.4: a duplicate, and a section mixing dynamic and static references.
        #expect(encoder.receive(Self.bytes("02")) == nil)
        #expect(encoder.table.size == 217)
        #expect(
            Self.decode("0500 80c1 81", encoder)
                == Self.fields([(":authority", "www.example.com"), (":path", "/"), ("custom-key", "custom-value")]))
        // B.5: an insert with a dynamic name reference evicts the oldest entry.
        #expect(encoder.receive(Self.bytes("810d 6375 7374 6f6d 2d76 616c 7565 32")) == nil)
        #expect(encoder.table.insertCount == 5)
        #expect(encoder.table.droppedCount == 1)
        #expect(encoder.table.size == 215)
        #expect(encoder.table.entry(absolute: 4)?.value == "custom-value2")
        #expect(encoder.table.entry(absolute: 0) == nil)
    }

    @Test func anInstructionSplitAcrossPiecesWaitsForTheRest() {
        var encoder = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        let whole = Self.bytes("3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d")
        for byte in whole { #expect(encoder.receive([byte]) == nil) }
        #expect(encoder.table.insertCount == 1)
        #expect(encoder.table.entry(absolute: 0)?.value == "www.example.com")
    }

    @Test func aSectionAheadOfTheEncoderStreamIsBlocked() {
        let encoder = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        #expect(Self.decode("0381 10 11", encoder) == .blocked(requiredInsertCount: 2))
    }

    @Test func referencesOutsideTheTableAreRefusedWithAReason() {
        var encoder = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        _ = encoder.receive(Self.bytes("3fbd01 c00f 7777 772e 6578 616d 706c 652e 636f 6d"))
        // A post-base index beyond the Required Insert Count.
        guard case .failed(let beyond) = Self.decode("0280 15", encoder) else { return #expect(Bool(false)) }
        #expect(beyond.contains("outside the table"))
        // A static index beyond the 99 entries.
        guard case .failed(let statik) = Self.decode("0000 ff2a", encoder) else { return #expect(Bool(false)) }
        #expect(statik.contains("beyond the table"))
        // A Required Insert Count the table capacity cannot encode.
        guard case .failed = Self.decode("ff0a 00", encoder) else { return #expect(Bool(false)) }
        // A value whose length runs past the section.
        guard case .failed = Self.decode("0000 517f", encoder) else { return #expect(Bool(false)) }
    }

    @Test func encoderStreamsThatLieBreakTheTableAndSaySo() {
        var tooBig = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        #expect(tooBig.receive(Self.bytes("3fff ff03"))?.contains("exceeds") == true)
        #expect(tooBig.isBroken)
        var badReference = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        #expect(badReference.receive(Self.bytes("3fbd01 8103 616263"))?.contains("not in the table") == true)
        var flood = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 64)
        // An endless literal: the pending bytes are bounded.
        #expect(flood.receive(Self.bytes("3fbd01 5f7f") + [UInt8](repeating: 0x41, count: 100)) != nil)
        #expect(flood.isBroken)
        // Many inserts into a small table: the table never exceeds its capacity.
        var churn = QPACKEncoderStream(maxCapacity: 220, maxPendingBytes: 4096)
        _ = churn.receive(Self.bytes("3fbd01"))
        for _ in 0..<1_000 { _ = churn.receive(Self.bytes("c00f 7777 772e 6578 616d 706c 652e 636f 6d")) }
        #expect(churn.table.insertCount == 1_000)
        #expect(churn.table.size <= 220)
    }

    @Test func huffmanStringsDecodeThroughHPACK() {
        var huffman = QPACKHuffman()
        // RFC 7541 C.4.1: "www.example.com".
        #expect(huffman.decode(Self.bytes("f1e3 c2e5 f23a 6ba0 ab90 f4ff")[...]) == "www.example.com")
        #expect(huffman.decode([0xFF, 0xFF, 0xFF, 0xFF][...]) == nil)
    }
}
