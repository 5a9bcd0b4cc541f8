import HarkCore
import HarkModel
import NIOCore
import Testing

@testable import HarkSession

/// What a worker holds for the merge is bounded by what its events hold, not by how many calls a job
/// makes (issue 16): one call may release far more than it takes in (a connection's end, 8 exchanges
/// here; one segment giving up a hundred HTTP/2 streams in h2-open-streams-2000x1000, where two threads
/// peaked at 371.8 MB against one thread's 148.7 MB).
struct AnalysisWorkerTests {
    /// 500 connections with 8 pipelined requests each, never answered, all ended in one job: 4,000
    /// exchanges, 8 MiB estimated. Before the bound the job's events were handed over whole.
    @Test func eventsNotTakenStayWithinTheBound() throws {
        let bound = 64 << 10
        let worker = try #require(AnalysisWorker(settings: StackSettings(), captureName: "test", preparer: nil, maxHeldBytes: bound))
        defer { worker.stop() }
        let connections = 500
        var job: AnalysisWorker.Job = []
        var summaries: [TCPConnectionSummary] = []
        for id in 0..<connections {
            let info = TestConnections.info(id)
            let requests = String(repeating: "GET /\(id) HTTP/1.1\r\nHost: a\r\n\r\n", count: 8)
            job.append(.init(packet: id, call: .opened(info)))
            job.append(.init(packet: id, call: .deliver(ByteBuffer(string: requests), connection: id, direction: .clientToServer, time: Timestamp(nanoseconds: 1), packetNumber: id)))
            summaries.append(TestConnections.summary(info))
        }
        let firstClosing = job.count
        for summary in summaries {
            for direction in [Direction.clientToServer, .serverToClient] {
                job.append(.init(packet: 0, call: .ended(connection: summary.info.id, direction: direction, time: Timestamp(nanoseconds: 1))))
            }
            job.append(.init(packet: 0, call: .closed(summary)))
        }
        worker.submit(job)
        // Everything the worker does before the merge takes anything.
        worker.waitUntilWaiting()
        #expect(worker.peakHeldBytes <= bound)

        var reader = WorkerEventReader(worker)
        reader.startJob()
        var exchanges: [Exchange] = []
        var call = firstClosing
        while call < job.count {
            while let event = reader.next(upTo: call) {
                if case .exchange(let exchange) = event { exchanges.append(exchange) }
            }
            call += 1
        }
        #expect(reader.next(upTo: .max) == nil)
        #expect(exchanges.count == connections * 8)
        #expect(exchanges.map(\.request.target).elementsEqual((0..<connections).lazy.flatMap { id in repeatElement("/\(id)", count: 8) }))
        #expect(worker.peakHeldBytes <= bound)
        #expect(worker.peakHeldBytes > 0)
    }
}
