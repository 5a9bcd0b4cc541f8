public import Foundation
public import HarkCore

/// tshark's decrypted QUIC STREAM frames of a recording (`*.oracle-stream.tsv`, written by
/// `Scripts/record-h3`: frame number, UDP source port, stream IDs, OFF bits, offsets, lengths), per
/// connection, stream and sender: where each stream's data ends, and the frame numbers of the packets
/// holding its first and its last byte.
///
/// Connections are told apart by the client's port; a server frame belongs to the latest client port
/// seen (the recording's connections do not overlap).
public struct QUICStreamOracle: Sendable {
    /// One stream direction of one connection.
    public struct Key: Hashable, Sendable {
        public var clientPort: UInt16
        public var streamID: Int
        public var direction: Direction

        public init(clientPort: UInt16, streamID: Int, direction: Direction) {
            self.clientPort = clientPort
            self.streamID = streamID
            self.direction = direction
        }
    }

    /// One STREAM frame with data.
    struct Piece {
        var frame: Int
        var offset: Int
        var length: Int
    }

    private var pieces: [Key: [Piece]] = [:]

    /// Reads `url`; `serverPort` tells the server's frames from the clients'.
    public init(contentsOf url: URL, serverPort: UInt16) throws {
        let table = try OracleTable(contentsOf: url)
        var clientPorts: [UInt16] = []
        for row in table.rows {
            guard let frame = Int(row["frame.number"] ?? ""), let port = UInt16(row["udp.srcport"] ?? "") else { continue }
            if port != serverPort, !clientPorts.contains(port) { clientPorts.append(port) }
            guard let client = port == serverPort ? clientPorts.last : port else { continue }
            let direction = port == serverPort ? Direction.serverToClient : .clientToServer
            // Offsets are listed only for frames whose OFF bit is set.
            let list = { (field: String) in (row[field] ?? "").split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            var offsets = list("quic.stream.offset").makeIterator()
            let hasOffset = list("quic.stream.off")
            for (index, (id, length)) in zip(list("quic.stream.stream_id"), list("quic.stream.length")).enumerated() {
                guard let streamID = Int(id) else { continue }
                let offset = hasOffset.indices.contains(index) && hasOffset[index] == "1" ? Int(offsets.next() ?? "") ?? 0 : 0
                let key = Key(clientPort: client, streamID: streamID, direction: direction)
                pieces[key, default: []].append(Piece(frame: frame, offset: offset, length: Int(length) ?? 0))
            }
        }
    }

    /// Every stream direction with its end (the highest offset plus length) and, for those that carried
    /// data, the frames holding its first and last bytes (the first frame to carry each, as a
    /// retransmission brings nothing new).
    public var streams: [Key: (end: Int, first: Int?, last: Int?)] {
        pieces.mapValues { list in
            let end = list.map { $0.offset + $0.length }.max() ?? 0
            let covering = { (byte: Int) in list.first { $0.length > 0 && $0.offset <= byte && byte < $0.offset + $0.length }?.frame }
            return end > 0 ? (end, covering(0), covering(end - 1)) : (0, nil, nil)
        }
    }
}
