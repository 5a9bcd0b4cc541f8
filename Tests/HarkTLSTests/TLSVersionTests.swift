import Testing

@testable import HarkTLS

@Test func versionsPrintLikeTshark() {
    #expect(TLSVersion.tls12.description == "TLS 1.2")
    #expect(TLSVersion.tls13.description == "TLS 1.3")
    #expect(TLSVersion(rawValue: 0x7F1C).description == "0x7F1C")
}
