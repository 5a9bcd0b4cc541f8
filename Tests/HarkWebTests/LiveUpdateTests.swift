import Foundation
import HarkTestSupport
import Testing

/// `hark web -` while a capture is still being written to its standard input: the live channel delivers
/// every change, in order, as it happens.
@Suite struct LiveUpdateTests {
    @Test(.enabled(if: WebTestSupport.harkIsBuilt && FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"), "needs the built hark and curl"))
    func updatesArriveInOrderWhileStandardInputIsFed() throws {
        let capture = try Fixtures.bytes(Fixtures.corpus("http1-browse-bro-org.pcap"))
        let server = try HarkWebProcess(arguments: ["-"], feedsStandardInput: true)
        // Listen before anything is fed: every change must come through the live channel.
        let events = FileManager.default.temporaryDirectory.appendingPathComponent("hark-web-events-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: events) }
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "-N", "--max-time", "60", "-o", events.path, server.url("/api/updates", "since=0")]
        try curl.run()
        Thread.sleep(forTimeInterval: 0.3)
        // The pcap in eight pieces, 250 ms apart (pieces end mid-record: the reader waits for the rest).
        let pieces = 8
        for index in 0..<pieces {
            let range = (capture.count * index / pieces)..<(capture.count * (index + 1) / pieces)
            try server.write(Array(capture[range]))
            Thread.sleep(forTimeInterval: 0.25)
        }
        try server.closeInput()
        curl.waitUntilExit()  // the server ends the stream after the capture's end

        let text = try String(contentsOf: events, encoding: .utf8)
        let messages = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        var versions: [Int] = []
        var exchangeIDs: [Int] = []
        var withExchanges = 0
        var finished = false
        for message in messages {
            let lines = message.split(separator: "\n")
            #expect(lines.first == "event: changes")
            let id = lines.first { $0.hasPrefix("id: ") }.flatMap { Int($0.dropFirst(4)) }
            let data = try #require(lines.first { $0.hasPrefix("data: ") }?.dropFirst(6))
            let update = try WebTestSupport.object(Array(data.utf8))
            #expect(try WebTestSupport.violations(Array(data.utf8), definition: "changes") == "")
            versions.append(id ?? -1)
            #expect(update["storeVersion"] as? Int == id)
            let ids = WebTestSupport.exchangeIDs(update)
            if !ids.isEmpty { withExchanges += 1 }
            exchangeIDs += ids
            finished = update["finished"] as? Bool ?? false
        }
        #expect(versions == versions.sorted() && Set(versions).count == versions.count, "versions only grow")
        #expect(exchangeIDs == Array(0..<31), "all 31 exchanges, each once, in order")
        #expect(withExchanges > 1, "exchanges arrived over several updates while the capture came in")
        #expect(finished, "the last update says the capture ended")
    }
}
