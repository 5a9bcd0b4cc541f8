import Foundation
import HarkTestSupport
import NIOCore
import Testing

@testable import HarkOTLP

/// The exporter's queue and flush, against a port nothing listens on: it never waits, drops the oldest
/// spans past its capacity, and gives up what is left at the flush timeout.
@Suite struct OTLPExporterTests {
    @Test func aFullQueueDropsTheOldestAndTheFlushTimeoutBoundsTheEnd() throws {
        var settings = OTLPExportSettings(endpoint: try OTLPEndpoint("http://127.0.0.1:\(FreePort.next())"), scopeVersion: "test")
        settings.queueCapacity = 3
        settings.flushTimeout = .milliseconds(300)
        let messages = MessageBox()
        let exporter = OTLPExporter(settings: settings) { messages.append($0) }
        let resource = exporter.resource(forService: "s")
        let clock = ContinuousClock()
        let enqueueing = clock.measure {
            for index in 0..<10 { exporter.enqueue([UInt8(index)], resource: resource) }
        }
        #expect(enqueueing < .milliseconds(100), "enqueue must never wait")
        let start = clock.now
        let counts = exporter.finish()
        #expect(clock.now - start < .seconds(2))
        #expect(counts.spansDropped == 7)
        #expect(counts.spansSent == 0)
        #expect(counts.spansFailed == 3)
        #expect(messages.all.contains { $0.contains("cannot reach the Collector") })
    }

    @Test func resourcesAreRegisteredOncePerService() throws {
        var settings = OTLPExportSettings(endpoint: try OTLPEndpoint("http://127.0.0.1:\(FreePort.next())"), scopeVersion: "test")
        settings.flushTimeout = .milliseconds(10)
        let exporter = OTLPExporter(settings: settings) { _ in }
        #expect(exporter.resource(forService: "a") == exporter.resource(forService: "a"))
        #expect(exporter.resource(forService: "a") != exporter.resource(forService: "b"))
        _ = exporter.finish()
    }
}

/// Messages reported from the exporter's thread.
private final class MessageBox: @unchecked Sendable {
    private var messages: [String] = []
    private let lock = NSLock()

    func append(_ message: String) {
        lock.withLock { messages.append(message) }
    }

    var all: [String] { lock.withLock { messages } }
}
