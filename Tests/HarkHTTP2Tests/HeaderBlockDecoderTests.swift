import HarkCore
import NIOCore
import NIOHPACK
import Testing

@testable import HarkHTTP2

@Test func settingsHeaderTableSizeAllowsALargerTable() throws {
    var encoder = Encoder()
    try encoder.hpack.setDynamicTableSize(8192)
    let big = String(repeating: "b", count: 5000)
    let first = ByteBuffer(bytes: encoder.block([("x-big", big)]))  // size update to 8192, then a 5 KB entry
    let second = ByteBuffer(bytes: encoder.block([("x-big", big)]))  // an index into the dynamic table

    var decoder = HeaderBlockDecoder(historyKnown: true, limits: HTTP2Limits())
    decoder.setMaxTableSize(8192)
    #expect(decoder.decode(first).0.fields == ["x-big": big])
    let (again, problem) = decoder.decode(second)
    #expect(again.fields == ["x-big": big] && problem == nil)
    #expect(decoder.historyKnown)

    // Without the SETTINGS value, the size update is out of bounds: decoding goes on leniently, but the
    // table is no longer trusted.
    var unaware = HeaderBlockDecoder(historyKnown: true, limits: HTTP2Limits())
    #expect(unaware.decode(first).0.fields == ["x-big": big])
    #expect(!unaware.historyKnown)

    // The limit caps what SETTINGS may ask for.
    var capped = HeaderBlockDecoder(historyKnown: true, limits: HTTP2Limits(maxHeaderTableSize: 1024))
    capped.setMaxTableSize(1 << 20)
    #expect(capped.maxDynamicTableLength == 1024)
}

@Test func aSmallerTableSizeEvictsEntries() throws {
    var encoder = Encoder()
    let fields = [("x-one", "1"), ("x-two", "2")]
    let first = ByteBuffer(bytes: encoder.block(fields))
    try encoder.hpack.setDynamicTableSize(0)
    let afterShrink = ByteBuffer(bytes: encoder.block(fields))  // update to 0; literals again
    var decoder = HeaderBlockDecoder(historyKnown: true, limits: HTTP2Limits())
    #expect(decoder.decode(first).0.fields == ["x-one": "1", "x-two": "2"])
    decoder.setMaxTableSize(0)
    let (block, problem) = decoder.decode(afterShrink)
    #expect(block.fields == ["x-one": "1", "x-two": "2"] && problem == nil)
}

@Test func midConnectionBlocksKeepWhatCanBeDecoded() throws {
    var encoder = Encoder()
    // Sent before the capture started: fills the dynamic table with entries hark never sees.
    _ = encoder.block([(":status", "200"), ("x-before", "old"), ("x-server", "h2o")])
    let seen = ByteBuffer(bytes: encoder.block([(":status", "200"), ("x-before", "old"), ("x-new", "fresh"), ("x-server", "nginx")]))
    let later = ByteBuffer(bytes: encoder.block([("x-new", "fresh"), ("x-before", "old"), ("x-server", "nginx")]))

    var decoder = HeaderBlockDecoder(historyKnown: false, limits: HTTP2Limits())
    let (block, problem) = decoder.decode(seen)
    #expect(block.pseudoHeaders == [":status": "200"])
    // `x-before: old` is a reference to an unknown entry; `x-server: nginx` a literal value after an
    // unknown name (added to the table as "?"); `x-new` is a plain literal.
    #expect(block.fields == ["x-new": "fresh"])
    #expect(block.unresolved.count == 2)
    #expect(block.unresolved.last?.value == "nginx")
    #expect(problem == .unresolvedReferences(2))

    // Entries added after the capture started resolve at their shifted indices.
    let (next, _) = decoder.decode(later)
    #expect(next.fields == ["x-new": "fresh"])
    #expect(next.unresolved.map(\.value) == [nil, "nginx"])
}

@Test func garbageInAHeaderBlockIsReportedNotFatal() {
    var decoder = HeaderBlockDecoder(historyKnown: true, limits: HTTP2Limits())
    let (block, problem) = decoder.decode(ByteBuffer(bytes: [0x82, 0x40, 0x7f]))  // :method GET, then a cut literal
    #expect(block.pseudoHeaders == [":method": "GET"])
    #expect(block.isDamaged)
    if case .malformed = problem {} else { Issue.record("no malformed problem: \(String(describing: problem))") }
}
