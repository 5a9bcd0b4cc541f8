import HarkCore
import Testing

struct DiagnosticTests {
    @Test func describesWhereAndWhat() {
        let diagnostic = Diagnostic(.error, "truncated TCP header", file: "a.pcap", packetNumber: 17, byteOffset: 1234)
        #expect(diagnostic.description == "a.pcap: packet 17 (offset 1234): error: truncated TCP header")
        #expect(Diagnostic(.warning, "odd").description == "warning: odd")
    }
}
