package import HarkCore
package import NIOCore

/// A two-way byte stream spelled by a fuzz input, for the analyzers that take one connection.
///
/// The input is a sequence of steps, each a control byte and what it announces: bit 0 is the direction
/// (0: client to server), bits 1–7 a length. Length 1–126 takes that many following bytes as data,
/// 0 ends the direction, 127 is a gap of as many bytes as the next byte says. Seeds are made from
/// captures by `HARK_FUZZ_MAKE_SEEDS` (see `SeedMaker`), one step per reassembled segment.
package struct StreamScript<Bytes: Collection<UInt8>> where Bytes.Index == Int {
    package let input: Bytes

    package init(_ input: Bytes) {
        self.input = input
    }

    /// Plays the steps into the three calls, one millisecond apart, then ends both directions.
    package func play(
        receive: (ByteBuffer, Direction, Timestamp) -> Void,
        gap: (Int, Direction, Timestamp) -> Void,
        finish: (Direction, Timestamp) -> Void
    ) {
        var index = input.startIndex
        var step: Int64 = 0
        var time: Timestamp { Timestamp(nanoseconds: step * 1_000_000) }
        var ended: Set<Direction> = []
        while index < input.endIndex {
            let control = input[index]
            index += 1
            step += 1
            let direction: Direction = control & 1 == 0 ? .clientToServer : .serverToClient
            let length = Int(control >> 1)
            guard !ended.contains(direction) else { continue }
            switch length {
            case 0:
                ended.insert(direction)
                finish(direction, time)
            case 127:
                guard index < input.endIndex else { break }
                gap(Int(input[index]) + 1, direction, time)
                index += 1
            default:
                let end = min(input.endIndex, index + length)
                receive(ByteBuffer(bytes: input[index..<end]), direction, time)
                index = end
            }
        }
        for direction in [Direction.clientToServer, .serverToClient] where !ended.contains(direction) {
            finish(direction, time)
        }
    }

    /// The steps that replay `pieces` (direction and bytes, in order), each split into data steps.
    package static func encode(_ pieces: [(Direction, [UInt8])]) -> [UInt8] {
        var script: [UInt8] = []
        for (direction, bytes) in pieces {
            var offset = 0
            while offset < bytes.count {
                let length = min(126, bytes.count - offset)
                script.append(UInt8(length << 1) | (direction == .clientToServer ? 0 : 1))
                script.append(contentsOf: bytes[offset..<(offset + length)])
                offset += length
            }
        }
        return script
    }
}
