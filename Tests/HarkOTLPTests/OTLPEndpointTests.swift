import Testing

@testable import HarkOTLP

/// `--otlp URL` parsing: the Collector's base URL, with the signal paths appended later.
@Suite struct OTLPEndpointTests {
    @Test(arguments: [
        ("http://127.0.0.1:4318", "127.0.0.1", 4318, ""), ("http://collector", "collector", 4318, ""),
        ("collector:9999/", "collector", 9999, ""), ("http://[::1]:4318/otlp/", "::1", 4318, "/otlp"),
        ("http://gw:4318/base/v1/traces", "gw", 4318, "/base"), ("http://gw/v1/metrics", "gw", 4318, ""),
    ])
    func urlsNameHostPortAndBasePath(_ url: String, _ host: String, _ port: Int, _ basePath: String) throws {
        let endpoint = try OTLPEndpoint(url)
        #expect(endpoint.host == host)
        #expect(endpoint.port == port)
        #expect(endpoint.basePath == basePath)
    }

    @Test(arguments: ["https://collector:4318", "grpc://collector:4317", "http://:4318", "http://host:99999", "http://host:port", "http://[::1:4318"])
    func unusableURLsAreRefusedWithAReason(_ url: String) {
        #expect(throws: OTLPEndpointError.self) { try OTLPEndpoint(url) }
    }

    @Test func theAuthorityBracketsIPv6() throws {
        #expect(try OTLPEndpoint("http://[::1]:4318").authority == "[::1]:4318")
        #expect(try OTLPEndpoint("http://[::1]:4318").description == "http://[::1]:4318")
    }
}
