import HarkFilter
import HarkModel
import HarkTestSupport
import Testing

/// gRPC filters on the recorded capture (`Scripts/record-grpc`) select the calls the client's log says.
struct FilterGRPCCaptureTests {
    static let capture = Fixtures.recorded("grpc-swift2-calls.pcap")

    /// The selected calls as `method status`, sorted.
    private func selected(_ expression: String, _ exchanges: [Exchange]) throws -> [String] {
        let filter = try Filter(expression)
        return exchanges.filter(filter.matches).map { "\($0.request.target) \($0.grpc?.status ?? -1)" }.sorted()
    }

    @Test func statusAndMethodSelectTheLoggedCalls() throws {
        let log = try RecordedGRPCLog.load(Fixtures.recorded("grpc-swift2-calls.expected.json"))
        let exchanges = try collect(Self.capture).exchanges
        let failing = log.calls.filter { $0.status != 0 }.map { "\($0.method) \($0.status)" }.sorted()
        #expect(failing.count == 2)
        #expect(try selected("grpc.status!=0", exchanges) == failing)
        #expect(try selected("grpc.status=5", exchanges) == ["/hark.inventory.Inventory/GetItem 5"])
        #expect(try selected("grpc.method=*/ListItems and grpc.status=0", exchanges) == ["/hark.inventory.Inventory/ListItems 0"])
        #expect(try selected("proto=grpc", exchanges).count == log.calls.count)
    }
}
