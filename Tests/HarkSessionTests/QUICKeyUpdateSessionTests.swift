import Foundation
import HarkCore
import HarkModel
import HarkSession
import HarkTestSupport
import Testing

/// The aioquic recording with five key updates each way (`H3_SCENARIO=key-updates Scripts/record-h3`)
/// through the whole session, as recorded and with a late packet of the old key phase at each update.
struct QUICKeyUpdateSessionTests {
    static let name = "h3-aioquic-key-updates"

    @Test(arguments: ["\(name).pcap", "\(name)-late.pcap"])
    func everyRequestOfTheClientsLogIsAnExchangeAcrossTheKeyUpdates(capture: String) throws {
        let log = try JSONDecoder().decode(
            [QUICSessionTests.LoggedRequest].self, from: Data(contentsOf: Fixtures.recorded("\(Self.name).expected.json")))
        var configuration = SessionConfiguration()
        configuration.keyLogPaths = [Fixtures.recorded("\(Self.name).keys").path]
        let (recorder, _) = try runSession(Fixtures.recorded(capture).path, configuration: configuration)
        let connection = try #require(recorder.connectionsByID.first)
        #expect(recorder.connectionsByID.count == 1)
        #expect(connection.quic?.keyUpdates == 10)
        #expect(connection.quic?.undecryptedPackets == 0)
        #expect(recorder.diagnostics.allSatisfy { !$0.message.contains("did not decrypt") }, "\(recorder.diagnostics)")
        #expect(recorder.exchanges.count == log.count)
        for (exchange, logged) in zip(recorder.exchanges, log) {
            #expect(exchange.streamID == logged.stream)
            #expect(exchange.request.target == logged.path)
            #expect(exchange.response?.status.rawValue == logged.status)
            #expect(exchange.response?.body.length == logged.response_bytes)
            #expect(exchange.isComplete, "\(exchange.request.target): \(exchange.problems)")
        }
    }
}
