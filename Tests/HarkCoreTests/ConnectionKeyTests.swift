import HarkCore
import Testing

struct ConnectionKeyTests {
    @Test func bothDirectionsShareOneKey() throws {
        let client = Endpoint(address: try #require(IPAddress("10.0.0.2")), port: 51000)
        let server = Endpoint(address: try #require(IPAddress("10.0.0.1")), port: 80)
        #expect(ConnectionKey(source: client, destination: server) == ConnectionKey(source: server, destination: client))
        #expect(ConnectionKey(source: client, destination: server).lower == server)
    }

    @Test func endpointText() throws {
        #expect(Endpoint(address: try #require(IPAddress("::1")), port: 8080).description == "[::1]:8080")
        #expect(Endpoint(address: try #require(IPAddress("1.2.3.4")), port: 80).description == "1.2.3.4:80")
    }
}
