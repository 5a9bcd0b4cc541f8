import HarkCore
import NIOCore
import Testing

@testable import HarkFastCGI

/// The worst case the per-request limits allow: 256 open requests (`maxOpenRequests`) each with
/// 1 MiB of PARAMS (`maxParamsBytes`) would hold 256 MiB; the connection's budget (`maxHeldBytes`)
/// keeps it at 8 MiB, says so once, and gives the room back as requests end.
@Suite struct FastCGIMemoryBoundTests {
    /// `HTTP_COOKIE` with a value that makes the pair exactly `FastCGILimits().maxParamsBytes` long.
    private static let cookie: [UInt8] = {
        let total = FastCGILimits().maxParamsBytes
        let name = Array("HTTP_COOKIE".utf8)
        let valueLength = total - name.count - 1 - 4  // 1-byte name length, 4-byte value length
        return FastCGIRecords.length(name.count) + FastCGIRecords.length(valueLength) + name + [UInt8](repeating: 0x61, count: valueLength)
    }()

    private static func request(id: UInt16) -> ByteBuffer {
        ByteBuffer(bytes: FastCGIRecords.begin(id: id, keepConnection: true) + FastCGIRecords.stream(4, id: id, cookie) + FastCGIRecords.stream(5, id: id, []))
    }

    @Test func twoHundredFiftySixRequestsWithAMebibyteOfParamsEachHoldEightMebibytes() throws {
        let limits = FastCGILimits()
        #expect(Self.cookie.count == limits.maxParamsBytes)
        var analyzer = FastCGIAnalyzer(limits: limits)
        var exchanges: [FastCGIExchange] = []
        var diagnostics: [FastCGIDiagnostic] = []
        let collect = { (event: FastCGIEvent) in
            switch event {
            case .exchange(let exchange): exchanges.append(exchange)
            case .diagnostic(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        let time = Timestamp(nanoseconds: 0)
        var mostHeld = 0
        for id in 1...UInt16(limits.maxOpenRequests) {
            analyzer.receive(Self.request(id: id), from: .clientToServer, at: time, emit: collect)
            mostHeld = max(mostHeld, analyzer.heldBytes)
        }
        #expect(mostHeld == limits.maxHeldBytes)
        #expect(exchanges.isEmpty)
        #expect(diagnostics.map(\.message) == [
            "the open requests hold 8388608 bytes (limit 8388608): PARAMS past it are dropped, and response heads and stderr cut, while they stay open"
        ])

        // The application answers them all: the first eight kept their cookie, the others say why not.
        for id in 1...UInt16(limits.maxOpenRequests) {
            analyzer.receive(ByteBuffer(bytes: FastCGIRecords.end(id: id)), from: .serverToClient, at: time, emit: collect)
        }
        #expect(exchanges.count == limits.maxOpenRequests)
        #expect(analyzer.heldBytes == 0)
        let kept = exchanges.prefix(8)
        #expect(kept.allSatisfy { $0.request.variables.first?.1.utf8.count == limits.maxParamsBytes - 16 && $0.problems.isEmpty })
        #expect(exchanges.dropFirst(8).allSatisfy {
            $0.request.variables.isEmpty
                && $0.problems == ["1048576 PARAMS bytes dropped: the connection's open requests already held 8388608 bytes"]
        })

        // The room came back: a new request keeps its PARAMS again.
        analyzer.receive(Self.request(id: 1), from: .clientToServer, at: time, emit: collect)
        analyzer.receive(ByteBuffer(bytes: FastCGIRecords.end(id: 1)), from: .serverToClient, at: time, emit: collect)
        #expect(exchanges.last?.problems == [])
        #expect(exchanges.last?.request.variables.first?.0 == "HTTP_COOKIE")
    }
}
