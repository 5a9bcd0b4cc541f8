import HarkHTTP2
import NIOCore
import HarkTestSupport
import Testing

/// Parses `bytes` cut as `feeding` says and returns every output.
private func parse(_ bytes: [UInt8], feeding: Feeding, expectingPreface: Bool = true, midConnection: Bool = false)
    -> [HTTP2FrameParser.Output]
{
    var parser = HTTP2FrameParser(expectingPreface: expectingPreface, midConnection: midConnection)
    var generator = SplitMix64(seed: { if case .randomSplits(let seed) = feeding { seed } else { 0 } }())
    var outputs: [HTTP2FrameParser.Output] = []
    for segment in segments(bytes, feeding, &generator) {
        parser.append(segment)
        while let output = parser.next() { outputs.append(output) }
    }
    if let problem = parser.finish() { outputs.append(.problem(problem)) }
    return outputs
}

/// Parses every way and expects identical outputs.
private func parseAllWays(_ bytes: [UInt8], expectingPreface: Bool = true, midConnection: Bool = false)
    -> [HTTP2FrameParser.Output]
{
    let reference = parse(bytes, feeding: .whole, expectingPreface: expectingPreface, midConnection: midConnection)
    for feeding in [Feeding.byteByByte, .randomSplits(seed: 3), .randomSplits(seed: 11)] {
        let outputs = parse(bytes, feeding: feeding, expectingPreface: expectingPreface, midConnection: midConnection)
        #expect(outputs == reference, "outputs differ when fed \(feeding)")
    }
    return reference
}

private func payloads(_ outputs: [HTTP2FrameParser.Output]) -> [HTTP2Frame.Payload] {
    outputs.compactMap { if case .frame(let frame) = $0 { frame.payload } else { nil } }
}

@Test func everyFrameTypeParsesTheSameHoweverSplit() {
    let bytes =
        preface
        + frame(.settings, stream: 0, settings([(.headerTableSize, 8192), (.maxFrameSize, 32768)]))
        + frame(.settings, .ack, stream: 0)
        + frame(.headers, [.endHeaders, .padded, .priority], stream: 1, padded([0, 0, 0, 0, 16, 0x82, 0x84], padding: 3))
        + frame(.continuation, .endHeaders, stream: 1, [0x86])
        + frame(.data, [.padded, .endStream], stream: 1, padded(Array("hello".utf8), padding: 4))
        + frame(.priority, stream: 3, [0, 0, 0, 1, 200])
        + frame(.rstStream, stream: 3, be32(8))
        + frame(.pushPromise, .endHeaders, stream: 1, be32(2) + [0x82])
        + frame(.ping, stream: 0, [1, 2, 3, 4, 5, 6, 7, 8])
        + frame(.goaway, stream: 0, be32(5) + be32(0) + Array("bye".utf8))
        + frame(.windowUpdate, stream: 0, be32(65535))
        + frame(HTTP2FrameType(rawValue: 0xfa), stream: 0, [9, 9, 9])
    let outputs = parseAllWays(bytes)
    #expect(outputs.first == .preface)
    let found = payloads(outputs)
    #expect(
        found == [
            .settings([.init(id: .headerTableSize, value: 8192), .init(id: .maxFrameSize, value: 32768)]),
            .settings([]),
            .headers(ByteBuffer(bytes: [0x82, 0x84])),
            .continuation(ByteBuffer(bytes: [0x86])),
            .data(ByteBuffer(string: "hello")),
            .priority,
            .rstStream(.cancel),
            .pushPromise(promisedStreamID: 2, fragment: ByteBuffer(bytes: [0x82])),
            .ping(0x0102_0304_0506_0708),
            .goaway(lastStreamID: 5, errorCode: .noError, debugData: ByteBuffer(string: "bye")),
            .windowUpdate(65535),
            .unknown,
        ]
    )
    var parser = HTTP2FrameParser(expectingPreface: false)
    parser.append(ByteBuffer(bytes: frame(HTTP2FrameType(rawValue: 0xfa), stream: 0, [1])))
    _ = parser.next()
    #expect(parser.unknownFrameCount == 1)
}

@Test func aShortReadConsumesNothing() {
    var parser = HTTP2FrameParser(expectingPreface: false)
    let bytes = frame(.data, stream: 1, Array("abcdef".utf8))
    parser.append(ByteBuffer(bytes: bytes.prefix(12)))
    #expect(parser.next() == nil)
    #expect(parser.bufferedByteCount == 12)
    parser.append(ByteBuffer(bytes: bytes.dropFirst(12)))
    #expect(parser.next() == .frame(HTTP2Frame(header: .init(length: 6, type: .data, flags: [], streamID: 1),
        payload: .data(ByteBuffer(string: "abcdef")), streamOffset: 0)))
}

@Test func malformedPayloadsAreReportedNotFatal() {
    let bytes =
        frame(.data, .padded, stream: 1, [10, 1, 2])  // padding longer than the payload
        + frame(.rstStream, stream: 1, [0, 0])  // wrong fixed length
        + frame(.data, stream: 1, [7])
    let found = payloads(parseAllWays(bytes, expectingPreface: false))
    #expect(found.count == 3)
    #expect(found.last == .data(ByteBuffer(bytes: [7])))
    if case .malformed = found[0] {} else { Issue.record("padding overflow not reported: \(found[0])") }
    if case .malformed = found[1] {} else { Issue.record("RST_STREAM length not reported: \(found[1])") }
}

@Test func framesOverMaxFrameSizeAreReportedAndStillParsed() {
    let big = Array(repeating: UInt8(0x61), count: 20_000)
    let outputs = parseAllWays(frame(.data, stream: 1, big) + frame(.data, .endStream, stream: 1, [1]), expectingPreface: false)
    #expect(outputs.count == 3)
    guard case .problem(let problem) = outputs.first, case .frameTooLarge(let header) = problem.kind else {
        Issue.record("no frameTooLarge problem: \(outputs.first.debugDescription)")
        return
    }
    #expect(header.length == 20_000)
    #expect(payloads(outputs).first == .data(ByteBuffer(bytes: big)))
}

@Test func aMissingPrefaceStartsASearchForFrameBoundaries() {
    // A capture that starts inside a DATA payload: garbage, then whole frames.
    let bytes = Array("tail of a body".utf8) + frame(.headers, .endHeaders, stream: 3, [0x82]) + frame(.ping, stream: 0, Array(repeating: 0, count: 8))
    let outputs = parseAllWays(bytes, midConnection: true)
    guard case .problem(let problem) = outputs.first else {
        Issue.record("skipped bytes not reported")
        return
    }
    #expect(problem.kind == .skippedBytes && problem.length == 14)
    #expect(payloads(outputs) == [.headers(ByteBuffer(bytes: [0x82])), .ping(0)])
}

@Test func aClientWithoutPrefaceIsReportedThenSearched() {
    let bytes = frame(.settings, stream: 0, []) + frame(.headers, .endHeaders, stream: 1, [0x82])
    let outputs = parseAllWays(bytes)
    #expect(outputs.first == .problem(.init(kind: .missingPreface, streamOffset: 0, length: 0)))
    #expect(payloads(outputs) == [.settings([]), .headers(ByteBuffer(bytes: [0x82]))])
}

@Test func aGapInsideAFrameDropsOnlyThatFrame() {
    var parser = HTTP2FrameParser(expectingPreface: false)
    let cut = frame(.data, stream: 1, Array("0123456789".utf8))
    parser.append(ByteBuffer(bytes: cut.prefix(12)))
    #expect(parser.next() == nil)
    let problem = parser.gap(4)
    #expect(problem?.kind == .frameCutByGap(.init(length: 10, type: .data, flags: [], streamID: 1)))
    parser.append(ByteBuffer(bytes: cut.suffix(3) + frame(.data, .endStream, stream: 1, [1])))
    #expect(parser.next() == .frame(HTTP2Frame(header: .init(length: 1, type: .data, flags: .endStream, streamID: 1),
        payload: .data(ByteBuffer(bytes: [1])), streamOffset: 19)))
}
