import HarkCore
import HarkModel
import HarkPacket
import HarkReassembly
import NIOCore
import Testing

/// Segment orders in, delivered bytes and gaps out.
struct TCPReassemblerTests {
    let script = SegmentScript()

    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        /// (stream offset, text) for client→server data segments, in arrival order.
        let segments: [(Int64, String)]
        let expected: String
        var testDescription: String { name }
    }

    static let orderCases: [Case] = [
        Case(name: "in order", segments: [(0, "GET "), (4, "/ HTTP/1.1\r\n")], expected: "GET / HTTP/1.1\r\n"),
        Case(name: "reversed", segments: [(8, "ij"), (4, "ef"), (3, "d"), (0, "abc"), (6, "gh")], expected: "abcdefghij"),
        Case(name: "duplicated", segments: [(0, "abc"), (0, "abc"), (3, "def"), (3, "def")], expected: "abcdef"),
        Case(name: "overlapping", segments: [(0, "abcd"), (2, "cdef"), (5, "fgh")], expected: "abcdefgh"),
        Case(name: "overlap spanning buffered pieces", segments: [(6, "gh"), (2, "cd"), (0, "abcdefghij")], expected: "abcdefghij"),
        Case(name: "lost segment", segments: [(0, "abc"), (6, "ghi")], expected: "abc[gap 3]ghi"),
        Case(name: "lost first segment", segments: [(3, "def"), (6, "ghi")], expected: "[gap 3]defghi"),
    ]

    @Test(arguments: orderCases)
    func segmentOrders(_ testCase: Case) {
        var segments = script.handshake()
        segments += testCase.segments.map { script.segment(.clientToServer, offset: $0.0, $0.1) }
        let transcript = reassemble(segments)
        #expect(transcript.stream() == testCase.expected)
        #expect(transcript.ends[0]?[.clientToServer] == .endOfCapture)
    }

    @Test func duplicatesAreCountedAsRetransmissions() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abc"),
            script.segment(.clientToServer, offset: 0, "abc"),
        ])
        #expect(transcript.summaries.first?.clientToServer.retransmissions == 1)
        #expect(transcript.count { if case .retransmission = $0 { true } else { false } } == 1)
    }

    @Test func conflictingOverlapKeepsFirstCopyAndIsReported() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 4, "efgh"),
            script.segment(.clientToServer, offset: 2, "cdXX"),
            script.segment(.clientToServer, offset: 0, "ab"),
        ])
        #expect(transcript.stream() == "abcdefgh")
        #expect(transcript.count { $0 == .overlapConflict(offset: 4, length: 2) } == 1)
        #expect(transcript.summaries.first?.clientToServer.overlapConflicts == 1)
    }

    @Test func sequenceNumbersWrapAround() {
        var wrapping = SegmentScript()
        wrapping.clientISN = 0xFFFF_FFF8
        let transcript = reassemble(wrapping.handshake() + [
            wrapping.segment(.clientToServer, offset: 0, "0123456"),  // ends just before the wrap
            wrapping.segment(.clientToServer, offset: 12, "cdef"),   // after the wrap, early
            wrapping.segment(.clientToServer, offset: 7, "789ab"),   // across the wrap
        ])
        #expect(transcript.stream() == "0123456789abcdef")
        #expect(transcript.summaries.first?.clientToServer.gaps == 0)
    }

    @Test func truncatedPayloadBecomesAGap() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abcd", declaredLength: 10),
            script.segment(.clientToServer, offset: 10, "klm"),
        ])
        #expect(transcript.stream() == "abcd[gap 6]klm")
    }

    @Test func finEndsTheDirectionOnceAllBytesArrived() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 3, "def", flags: [.ack, .fin]),
            script.segment(.clientToServer, offset: 0, "abc"),
        ], finish: false)
        #expect(transcript.stream() == "abcdef")
        #expect(transcript.ends[0]?[.clientToServer] == .fin)
        #expect(transcript.ends[0]?[.serverToClient] == nil)
    }

    @Test func resetMidStreamEndsBothDirections() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abc"),
            script.segment(.serverToClient, offset: 0, "HTTP/1.1 2"),
            script.segment(.serverToClient, offset: 10, flags: [.rst, .ack]),
            script.segment(.clientToServer, offset: 3, "late"),
        ], finish: false)
        #expect(transcript.stream(0, .serverToClient) == "HTTP/1.1 2")
        #expect(transcript.ends[0]?[.clientToServer] == .reset)
        #expect(transcript.ends[0]?[.serverToClient] == .reset)
        #expect(transcript.stream() == "abc", "data after the RST is not delivered")
        #expect(transcript.opened.count == 1, "a packet after the RST does not open a new connection")
    }

    @Test func portReuseStartsANewConnection() {
        var second = SegmentScript()
        second.clientISN = 900_000
        second.serverISN = 700_000
        let first = script.handshake() + [
            script.segment(.clientToServer, offset: 0, "one"),
            script.segment(.clientToServer, offset: 3, flags: [.fin, .ack]),
            script.segment(.serverToClient, offset: 0, flags: [.fin, .ack]),
        ]
        let transcript = reassemble(first + second.handshake() + [second.segment(.clientToServer, offset: 0, "two")])
        #expect(transcript.opened.map(\.id) == [0, 1])
        #expect(transcript.stream(0) == "one")
        #expect(transcript.stream(1) == "two")
        #expect(transcript.summaries.map(\.info.id) == [0, 1])
        #expect(transcript.summaries.first?.endDescription == "fin")
    }

    @Test func newSynWithDataFlowingStartsANewConnectionEvenWithoutClose() {
        var second = SegmentScript()
        second.clientISN = 77
        let transcript = reassemble(script.handshake() + [script.segment(.clientToServer, offset: 0, "one")]
            + second.handshake() + [second.segment(.clientToServer, offset: 0, "two")])
        #expect(transcript.opened.count == 2)
        #expect(transcript.ends[0]?[.clientToServer] == .reused)
        #expect(transcript.stream(1) == "two")
    }

    @Test func longIdleStartsANewConnection() {
        var reassembler = TCPReassembler()
        var transcript = ReassemblyTranscript()
        let start = Timestamp(nanoseconds: 0)
        for segment in script.handshake() + [script.segment(.clientToServer, offset: 0, "one")] {
            reassembler.process(segment, at: start, packetNumber: 1, handler: &transcript)
        }
        let later = start.advanced(by: .seconds(3600))
        reassembler.process(script.segment(.clientToServer, offset: 3, "two"), at: later, packetNumber: 5, handler: &transcript)
        reassembler.finish(handler: &transcript)
        #expect(transcript.opened.count == 2)
        #expect(transcript.opened.last?.roleSource == .portHeuristic)
        #expect(transcript.ends[0]?[.clientToServer] == .idle)
        #expect(transcript.stream(1) == "two")
    }

    @Test func captureStartingMidConnectionPicksServerByPort() {
        // The first packet seen goes from the server (port 80) to the client.
        let transcript = reassemble([
            script.segment(.serverToClient, offset: 100, "tail of a body"),
            script.segment(.clientToServer, offset: 50, "GET /next HTTP/1.1\r\n"),
        ])
        let info = transcript.opened.first
        #expect(info?.server == SegmentScript.server)
        #expect(info?.roleSource == .portHeuristic)
        #expect(transcript.stream(0, .serverToClient) == "tail of a body")
        #expect(transcript.stream(0, .clientToServer) == "GET /next HTTP/1.1\r\n")
    }

    @Test func aLiveCaptureJoiningMidConnectionTakesTheListeningSideAsServer() {
        let segments = [script.segment(.serverToClient, offset: 100, "tail"), script.segment(.clientToServer, offset: 50, "next")]
        func opened(listening: Set<UInt16>) -> TCPConnectionInfo? {
            var reassembler = TCPReassembler(listeningPorts: listening)
            var transcript = ReassemblyTranscript()
            for (index, segment) in segments.enumerated() {
                reassembler.process(segment, at: Timestamp(nanoseconds: Int64(index)), packetNumber: index + 1, handler: &transcript)
            }
            reassembler.finish(handler: &transcript)
            return transcript.opened.first
        }
        // Port 40000 listens on this machine: it serves, although port 80 would win by number.
        let listening = opened(listening: [40000])
        #expect(listening?.server == SegmentScript.client)
        #expect(listening?.roleSource == .listeningPort)
        // Both or neither listening: the port heuristic decides.
        #expect(opened(listening: [80, 40000])?.roleSource == .portHeuristic)
        #expect(opened(listening: [8080])?.server == SegmentScript.server)
    }

    @Test func acknowledgedButUnseenBytesBecomeAGapBeforeTheEnd() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abc"),
            script.segment(.clientToServer, offset: 6, "ghi"),
            script.segment(.serverToClient, offset: 0, ack: script.clientISN &+ 10),
            script.segment(.serverToClient, offset: 0, "x", ack: script.clientISN &+ 10),
            script.segment(.serverToClient, offset: 1, "y", ack: script.clientISN &+ 10),
            script.segment(.serverToClient, offset: 2, "z", ack: script.clientISN &+ 10),
        ], finish: false)
        #expect(transcript.stream() == "abc[gap 3]ghi")
    }

    @Test func acknowledgmentJustBeforeReorderedDataIsNotALoss() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abc"),
            script.segment(.serverToClient, offset: 0, ack: script.clientISN &+ 7),
            script.segment(.clientToServer, offset: 3, "def"),
        ])
        #expect(transcript.stream() == "abcdef")
    }

    @Test func bufferLimitForcesAGapInsteadOfGrowing() {
        var limits = ReassemblyLimits()
        limits.maxBufferedBytesPerDirection = 8
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "ab"),
            script.segment(.clientToServer, offset: 4, "efgh"),
            script.segment(.clientToServer, offset: 8, "ijkl"),
            script.segment(.clientToServer, offset: 12, "mnop"),
        ], limits: limits, finish: false)
        #expect(transcript.stream() == "ab[gap 2]efghijklmnop")
    }

    @Test func handshakeEventsAndRoundTrip() {
        let transcript = reassemble([
            script.segment(.clientToServer, offset: 0, flags: [.syn], ack: 0),
            script.segment(.clientToServer, offset: 0, flags: [.syn], ack: 0),
            script.segment(.serverToClient, offset: 0, flags: [.syn, .ack]),
            script.segment(.clientToServer, offset: 0),
        ])
        #expect(transcript.count { $0 == .syn } == 1)
        #expect(transcript.count { $0 == .synRetransmission } == 1)
        #expect(transcript.count { $0 == .synAck } == 1)
        #expect(transcript.count { $0 == .handshakeComplete(roundTrip: .milliseconds(3)) } == 1)
        #expect(transcript.summaries.first?.handshakeRoundTrip == .milliseconds(3))
        #expect(transcript.summaries.first?.synRetransmissions == 1)
    }

    @Test func zeroWindowAndDuplicateAcks() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.serverToClient, offset: 0, "0123456789"),
            script.segment(.clientToServer, offset: 0, ack: script.serverISN &+ 1, window: 0),
            script.segment(.clientToServer, offset: 0, ack: script.serverISN &+ 1, window: 0),
            script.segment(.clientToServer, offset: 0, ack: script.serverISN &+ 1, window: 512),
            script.segment(.clientToServer, offset: 0, ack: script.serverISN &+ 1, window: 512),
        ])
        #expect(transcript.summaries.first?.clientToServer.zeroWindows == 2)
        // A zero window repeated is the receiver still full (tshark agrees); the repeated 512 is a duplicate.
        #expect(transcript.summaries.first?.clientToServer.duplicateAcks == 1)
    }

    @Test func summaryCountsPacketsAndBytes() {
        let transcript = reassemble(script.handshake() + [
            script.segment(.clientToServer, offset: 0, "abc"),
            script.segment(.serverToClient, offset: 0, "hello"),
            script.segment(.serverToClient, offset: 0, "hello"),
        ])
        let summary = transcript.summaries.first
        #expect(summary?.clientToServer.packets == 3)
        #expect(summary?.serverToClient.packets == 3)
        #expect(summary?.clientToServer.payloadBytes == 3)
        #expect(summary?.serverToClient.payloadBytes == 10)
        #expect(summary?.serverToClient.deliveredBytes == 5)
        #expect(summary?.info.client == SegmentScript.client)
    }
}
