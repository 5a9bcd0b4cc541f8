import Foundation
import HarkCore
import HarkModel
import HarkSession
import Testing

/// The session's budget for HTTP/1 requests waiting for responses (issue 16: 20,000 connections, each
/// pipelining 64 requests that are never answered, held 2.2 GB for a 50 MB capture): past it, requests
/// are given up as exchanges without a response, counted and reported once, never dropped.
struct WaitingRequestBudgetTests {
    private static let connections = 40
    private static let requests = 8
    private static let givenUpText = "no response: the session held too many requests waiting for responses (memory budget)"

    @Test(arguments: [1, 2])
    func aSmallBudgetGivesUpTheOldestRequestsCountsThemAndWarnsOnce(threads: Int) throws {
        let capture = try Self.capture()
        defer { try? FileManager.default.removeItem(at: capture) }
        var configuration = SessionConfiguration()
        configuration.analysisThreads = threads
        // About 18 requests of about 1.1 KB: 320 would wait at the end of the capture.
        configuration.maxWaitingRequestBytes = 20_000
        let (recorder, statistics) = try runSession(capture.path, configuration: configuration)

        #expect(recorder.exchanges.count == Self.connections * Self.requests, "every request is reported")
        let givenUp = recorder.exchanges.filter { $0.problems == [Self.givenUpText] }
        let ended = recorder.exchanges.filter { $0.problems == ["no response: the server's side of the connection ended first"] }
        #expect(givenUp.count + ended.count == recorder.exchanges.count)
        #expect(statistics.waitingRequestsGivenUp == givenUp.count)
        // What still waits at the end stays within the budget, but for one request a connection.
        #expect(givenUp.count >= Self.connections * Self.requests - 20_000 / 1_024 - Self.connections)
        // A connection gives up its own oldest requests: what is given up on one comes before what ended.
        for connection in Set(recorder.exchanges.map(\.connection.id)) {
            let problems = recorder.exchanges.filter { $0.connection.id == connection }.map(\.problems)
            #expect(problems.last == ["no response: the server's side of the connection ended first"])
            #expect(!problems.drop { $0 == [Self.givenUpText] }.contains([Self.givenUpText]), "connection \(connection)")
        }
        let warnings = recorder.diagnostics.filter { $0.message.contains("requests waiting for responses (memory budget)") }
        #expect(warnings.map(\.message) == [
            "\(givenUp.count) requests were given up without their responses: the session held too many "
                + "requests waiting for responses (memory budget)",
        ])
        #expect(warnings.first?.severity == .warning)
    }

    @Test func theDefaultBudgetGivesNothingUpHere() throws {
        let capture = try Self.capture()
        defer { try? FileManager.default.removeItem(at: capture) }
        let (recorder, statistics) = try runSession(capture.path)
        #expect(statistics.waitingRequestsGivenUp == 0)
        #expect(recorder.exchanges.count == Self.connections * Self.requests)
        #expect(recorder.exchanges.allSatisfy { $0.problems == ["no response: the server's side of the connection ended first"] })
        #expect(!recorder.diagnostics.contains { $0.message.contains("memory budget") })
    }

    private static func capture() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-waiting-budget-\(UUID()).pcap")
        try Data(ThreadMemoryTests.pipelinedRequestsNeverAnswered(connections: connections, requests: requests)).write(to: url)
        return url
    }
}
