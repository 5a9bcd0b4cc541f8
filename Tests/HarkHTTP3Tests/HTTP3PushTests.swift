import HarkCore
import Testing

@testable import HarkHTTP3

/// Server push (RFC 9114 §4.6) through the analyzer: PUSH_PROMISE frames on request streams and push
/// streams, in either order, cancelled, or one without the other.
@Suite struct HTTP3PushTests {
    typealias Step = (stream: UInt64, direction: Direction, hex: String, fin: Bool)

    /// The request on stream 0: HEADERS :method GET (static 17), :path / (static 1); FIN.
    static let request: Step = (0, .clientToServer, "01 04 0000 d1 c1", true)
    /// The server's PUSH_PROMISE on stream 0: push ID 0, :method GET, :path /pushed.css (a literal with
    /// static name reference 1).
    static let promise: Step = (0, .serverToClient, "05 11 00 0000 d1 51 0b 2f7075736865642e637373", false)
    /// The response on stream 0: HEADERS :status 200 (static 25); FIN.
    static let response: Step = (0, .serverToClient, "01 03 0000 d9", true)
    /// Push stream 15: type 1, push ID 0, HEADERS :status 200, DATA "hi"; FIN.
    static let pushStream: Step = (15, .serverToClient, "01 00 01 03 0000 d9 00 02 6869", true)

    static func pushed(_ exchanges: [HTTP3Exchange]) -> HTTP3Exchange? { exchanges.first { $0.pushID != nil } }

    @Test(arguments: [false, true])
    func aPromiseAndItsPushStreamBecomeAnExchangeInEitherOrder(streamFirst: Bool) throws {
        let steps = streamFirst
            ? [Self.request, Self.pushStream, Self.promise, Self.response] : [Self.request, Self.promise, Self.pushStream, Self.response]
        let (exchanges, diagnostics) = HTTP3AnalyzerTests.run(steps)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        #expect(exchanges.count == 2)
        let pushed = try #require(Self.pushed(exchanges))
        #expect(pushed.streamID == 15)
        #expect(pushed.pushID == 0)
        #expect(pushed.promisedOn == 0)
        #expect(pushed.request?.method == "GET")
        #expect(pushed.request?.path == "/pushed.css")
        #expect(pushed.response?.status == 200)
        #expect(pushed.response?.body.length == 2)
        #expect(pushed.issues.isEmpty, "\(pushed.issues)")
        let origin = try #require(exchanges.first { $0.pushID == nil })
        #expect(origin.streamID == 0 && origin.response?.status == 200 && origin.issues.isEmpty)
    }

    @Test func aPushStreamSplitBeforeItsPushIDIsStillRead() throws {
        let (exchanges, diagnostics) = HTTP3AnalyzerTests.run([
            Self.request, Self.promise, (15, .serverToClient, "01", false), (15, .serverToClient, "00 01 03 00", false),
            (15, .serverToClient, "00 d9 00 02 6869", true), Self.response,
        ])
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let pushed = try #require(Self.pushed(exchanges))
        #expect(pushed.response?.body.length == 2)
        #expect(pushed.request?.path == "/pushed.css")
    }

    @Test func aPushStreamWithoutItsPromiseSaysTheRequestWasNotCaptured() throws {
        let (exchanges, _) = HTTP3AnalyzerTests.run([Self.request, Self.response, Self.pushStream])
        let pushed = try #require(Self.pushed(exchanges))
        #expect(pushed.request == nil)
        #expect(pushed.promisedOn == nil)
        #expect(pushed.response?.status == 200)
        #expect(pushed.issues == ["its PUSH_PROMISE was not captured"])
    }

    @Test func aPromiseWhoseStreamNeverCameIsReportedNotAnExchange() {
        let (exchanges, diagnostics) = HTTP3AnalyzerTests.run([Self.request, Self.promise, Self.response])
        #expect(exchanges.count == 1)
        #expect(diagnostics == ["push ID 0 (GET /pushed.css) promised on stream 0 but its push stream was not captured"])
    }

    @Test func aPushTheClientCancelledBeforeItBeganIsForgotten() {
        // The client's control stream (6): type 0, CANCEL_PUSH (0x03) of push ID 0.
        let (exchanges, diagnostics) = HTTP3AnalyzerTests.run([Self.request, Self.promise, (6, .clientToServer, "00 03 01 00", false), Self.response])
        #expect(exchanges.count == 1)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
    }

    @Test func pushesFromTheWrongSideAreReportedNotFollowed() {
        let (exchanges, diagnostics) = HTTP3AnalyzerTests.run([
            (0, .clientToServer, "01 04 0000 d1 c1 05 11 00 0000 d1 51 0b 2f7075736865642e637373", true),
            (10, .clientToServer, "01 00 01 03 0000 d9", true),
            Self.response,
        ])
        #expect(exchanges.count == 1)
        #expect(exchanges.allSatisfy { $0.pushID == nil })
        #expect(Set(diagnostics) == ["PUSH_PROMISE from the client", "a push stream from the client"])
    }
}
