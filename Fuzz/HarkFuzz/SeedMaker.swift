import Glibc
import HarkCapture
import HarkCore
import HarkFuzzTargets
import HarkPacket
import HarkReassembly
import NIOCore

/// Turns captures into seeds for the stream targets: each TCP connection's reassembled bytes, both
/// directions in capture order, as a `StreamScript` (at most 64 KiB of it per connection), shaped as
/// the target reads its input.
enum SeedMaker {
    static let maximumSeedBytes = 64 << 10

    /// Writes `NAME-CONNECTION[-VARIANT].script` files for `target` into `directory`; returns the exit
    /// status.
    static func run(captures: [String], into directory: String, target: FuzzTarget) -> CInt {
        for path in captures {
            guard let reader = try? CaptureReader(path: path) else {
                complain("cannot read \(path)")
                continue
            }
            var decoder = PacketDecoder()
            var reassembler = TCPReassembler()
            var collector = StreamCollector()
            var segments = SegmentCollector()
            var number = 0
            while let record = reader.next() {
                guard case .frame(let frame) = record else { continue }
                number += 1
                let packet = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
                switch consume packet {
                case .tcp(let segment):
                    segments.add(segment)
                    reassembler.process(segment, at: frame.timestamp, packetNumber: number, handler: &collector)
                default:
                    break
                }
            }
            reassembler.finish(handler: &collector)
            let name = path.split(separator: "/").last.map(String.init) ?? "capture"
            if target == .reassembly {
                // Reassembly reads segments, not streams: each connection's own segments, spelled as a
                // `SegmentScript`.
                for (index, connection) in segments.connections.enumerated() {
                    write(Array(SegmentScript.encode(connection).prefix(maximumSeedBytes)), to: "\(directory)/\(name)-\(index).segments")
                }
                continue
            }
            for (connection, pieces) in collector.pieces where !pieces.isEmpty {
                for (variant, prefix, shaped) in variants(of: pieces, for: target) {
                    let script = (prefix + StreamScript<[UInt8]>.encode(shaped)).prefix(maximumSeedBytes)
                    write(Array(script), to: "\(directory)/\(name)-\(connection)\(variant).script")
                }
            }
        }
        return 0
    }

    /// The seeds one connection gives `target`: a leading selector byte where the target reads one,
    /// and for WebSocket only the bytes after each direction's HTTP head (the upgrade).
    private static func variants(
        of pieces: [(Direction, [UInt8])],
        for target: FuzzTarget
    ) -> [(String, [UInt8], [(Direction, [UInt8])])] {
        switch target {
        case .http2: return [("", [0], pieces)]
        case .fastcgi: return [("", [0], pieces), ("-small-limits", [1], pieces)]
        case .websocket:
            guard let (frames, deflate) = afterUpgrade(pieces) else { return [] }
            return [("-upgrade", [deflate ? 3 : 1], frames), ("-mid-stream", [0], frames)]
        default: return [("", [], pieces)]
        }
    }

    /// Each direction's bytes after its first blank line, when the server's head is a `101`; and
    /// whether it negotiated permessage-deflate.
    private static func afterUpgrade(_ pieces: [(Direction, [UInt8])]) -> ([(Direction, [UInt8])], Bool)? {
        var heads: [Direction: [UInt8]] = [:]
        var done: Set<Direction> = []
        var rest: [(Direction, [UInt8])] = []
        for (direction, bytes) in pieces {
            guard !done.contains(direction) else {
                rest.append((direction, bytes))
                continue
            }
            heads[direction, default: []] += bytes
            let head = heads[direction] ?? []
            guard let end = head.indices.dropLast(3).first(where: { head[$0...].starts(with: [13, 10, 13, 10]) }) else { continue }
            done.insert(direction)
            if end + 4 < head.count { rest.append((direction, Array(head[(end + 4)...]))) }
            heads[direction] = Array(head[..<end])
        }
        let response = String(decoding: heads[.serverToClient] ?? [], as: UTF8.self)
        guard response.hasPrefix("HTTP/1.1 101") else { return nil }
        return (rest, response.lowercased().contains("permessage-deflate"))
    }

    private static func write(_ bytes: [UInt8], to file: String) {
        guard let handle = fopen(file, "w") else { return }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
        fclose(handle)
    }
}

/// Each connection's segments as captured, in order; the sender of a connection's first segment is its
/// client unless that segment is a SYN-ACK.
private struct SegmentCollector {
    private var index: [[Endpoint]: Int] = [:]
    private var clients: [Endpoint] = []
    private(set) var connections: [[SegmentScript.Segment]] = []

    mutating func add(_ segment: TCPSegment) {
        let key = [segment.source, segment.destination].sorted { "\($0)" < "\($1)" }
        let number: Int
        if let known = index[key] {
            number = known
        } else {
            number = connections.count
            index[key] = number
            let isSynAck = segment.flags.contains(.syn) && segment.flags.contains(.ack)
            clients.append(isSynAck ? segment.destination : segment.source)
            connections.append([])
        }
        connections[number].append(SegmentScript.Segment(
            fromClient: segment.source == clients[number],
            flags: segment.flags,
            sequenceNumber: segment.sequenceNumber,
            acknowledgmentNumber: segment.acknowledgmentNumber,
            payload: Array(segment.payload.readableBytesView)
        ))
    }
}

/// Each connection's delivered bytes, in order, with their direction.
private struct StreamCollector: TCPStreamHandler {
    var pieces: [Int: [(Direction, [UInt8])]] = [:]

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp, packetNumber: Int) {
        pieces[connection, default: []].append((direction, Array(bytes.readableBytesView)))
    }
}
