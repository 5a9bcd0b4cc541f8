import HarkContentCoding
import Testing

@Suite struct ContentCodingTests {
    @Test func parsesStackedCodingsInHeaderOrder() {
        let codings = ContentCoding.list(fromFieldValues: ["gzip, br"])
        #expect(codings == [.gzip, .brotli])
    }

    @Test func trimsLowercasesAndSkipsEmptyElements() {
        let codings = ContentCoding.list(fromFieldValues: [" GZip ,, \tidentity", "X-Gzip"])
        #expect(codings == [.gzip, .identity, .xGzip])
    }

    @Test func knowsWhichCodingsItDecodes() {
        #expect(ContentCoding.deflate.isSupported)
        #expect(ContentCoding(rawValue: "br").isSupported)
        #expect(!ContentCoding(rawValue: "zstd").isSupported)
        #expect(!ContentCoding(rawValue: "compress").isSupported)
    }
}
