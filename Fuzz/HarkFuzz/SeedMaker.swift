import Glibc
import HarkCapture
import HarkCore
import HarkFuzzTargets
import HarkPacket
import HarkReassembly
import NIOCore

/// Turns captures into seeds for the stream targets: each TCP connection's reassembled bytes, both
/// directions in capture order, as a `StreamScript` (at most 64 KiB of it per connection).
enum SeedMaker {
    static let maximumSeedBytes = 64 << 10

    /// Writes `NAME-CONNECTION.script` files into `directory`; returns the exit status.
    static func run(captures: [String], into directory: String) -> CInt {
        for path in captures {
            guard let reader = try? CaptureReader(path: path) else {
                complain("cannot read \(path)")
                continue
            }
            var decoder = PacketDecoder()
            var reassembler = TCPReassembler()
            var collector = StreamCollector()
            var number = 0
            while let record = reader.next() {
                guard case .frame(let frame) = record else { continue }
                number += 1
                let packet = decoder.decode(frame.data, linkType: frame.linkType, timestamp: frame.timestamp)
                switch consume packet {
                case .tcp(let segment):
                    reassembler.process(segment, at: frame.timestamp, packetNumber: number, handler: &collector)
                default:
                    break
                }
            }
            reassembler.finish(handler: &collector)
            let name = path.split(separator: "/").last.map(String.init) ?? "capture"
            for (connection, pieces) in collector.pieces where !pieces.isEmpty {
                let script = StreamScript<[UInt8]>.encode(pieces).prefix(maximumSeedBytes)
                let file = "\(directory)/\(name)-\(connection).script"
                guard let handle = fopen(file, "w") else { continue }
                _ = Array(script).withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, handle) }
                fclose(handle)
            }
        }
        return 0
    }
}

/// Each connection's delivered bytes, in order, with their direction.
private struct StreamCollector: TCPStreamHandler {
    var pieces: [Int: [(Direction, [UInt8])]] = [:]

    mutating func deliver(_ bytes: ByteBuffer, connection: Int, direction: Direction, at time: Timestamp) {
        pieces[connection, default: []].append((direction, Array(bytes.readableBytesView)))
    }
}
