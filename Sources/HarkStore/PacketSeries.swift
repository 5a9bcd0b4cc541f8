public import HarkCore
public import HarkModel

/// One connection's packets, bounded: the first ones one by one, the rest aggregated into buckets of
/// consecutive packets whose width doubles whenever there are too many, so a connection of millions of
/// packets still draws as a whole in bounded memory.
public struct PacketSeries: Sendable, Hashable {
    /// The first packets, one by one.
    public private(set) var packets: [PacketFact] = []
    /// The packets after those, aggregated, in order.
    public private(set) var buckets: [PacketBucket] = []
    /// Packets per bucket (the last one may hold fewer).
    public private(set) var bucketWidth = 1
    /// All packets seen, kept one by one or not.
    public private(set) var totalPackets = 0

    public init() {}

    /// Adds a packet: one by one while `keepOne` (the caller's per-connection and overall bounds allow
    /// it), else into the last bucket.
    mutating func add(_ fact: PacketFact, keepOne: Bool, maxBuckets: Int) {
        totalPackets += 1
        if keepOne, buckets.isEmpty {
            packets.append(fact)
            return
        }
        if let last = buckets.indices.last, buckets[last].packets < bucketWidth {
            buckets[last].add(fact)
        } else {
            buckets.append(PacketBucket(fact))
        }
        if buckets.count > max(2, maxBuckets) { halve() }
    }

    /// Merges buckets in pairs, doubling their width.
    private mutating func halve() {
        var merged: [PacketBucket] = []
        merged.reserveCapacity(buckets.count / 2 + 1)
        var index = 0
        while index < buckets.count {
            var bucket = buckets[index]
            if index + 1 < buckets.count { bucket.merge(buckets[index + 1]) }
            merged.append(bucket)
            index += 2
        }
        buckets = merged
        bucketWidth = bucketWidth.multipliedReportingOverflow(by: 2).overflow ? bucketWidth : bucketWidth * 2
    }
}

/// Consecutive packets of one connection, counted together.
public struct PacketBucket: Sendable, Hashable {
    /// The first and last packet's capture time.
    public var from: Timestamp
    public var to: Timestamp
    /// The first and last packet's number in the capture.
    public var firstPacketNumber: Int
    public var lastPacketNumber: Int
    /// Packets in the bucket.
    public var packets: Int
    /// Packets and payload bytes client→server and server→client.
    public var clientPackets = 0
    public var serverPackets = 0
    public var clientBytes: Int64 = 0
    public var serverBytes: Int64 = 0
    /// Every control bit and analysis kind seen in the bucket.
    public var flags: TCPFlags = []
    public var kinds: PacketKinds = []
    /// Packets with a kind (retransmissions, out-of-order, zero windows…).
    public var problemPackets = 0
    /// The smallest scaled window advertised in the bucket, when known.
    public var smallestWindow: Int?

    init(_ fact: PacketFact) {
        from = fact.timestamp
        to = fact.timestamp
        firstPacketNumber = fact.packetNumber
        lastPacketNumber = fact.packetNumber
        packets = 0
        add(fact)
    }

    mutating func add(_ fact: PacketFact) {
        packets += 1
        to = max(to, fact.timestamp)
        lastPacketNumber = fact.packetNumber
        if fact.direction == .clientToServer {
            clientPackets += 1
            clientBytes += Int64(fact.payloadLength)
        } else {
            serverPackets += 1
            serverBytes += Int64(fact.payloadLength)
        }
        flags.formUnion(fact.flags)
        kinds.formUnion(fact.kinds)
        if !fact.kinds.isEmpty { problemPackets += 1 }
        if let window = fact.scaledWindow { smallestWindow = min(smallestWindow ?? window, window) }
    }

    mutating func merge(_ other: PacketBucket) {
        to = max(to, other.to)
        lastPacketNumber = other.lastPacketNumber
        packets += other.packets
        clientPackets += other.clientPackets
        serverPackets += other.serverPackets
        clientBytes += other.clientBytes
        serverBytes += other.serverBytes
        flags.formUnion(other.flags)
        kinds.formUnion(other.kinds)
        problemPackets += other.problemPackets
        if let window = other.smallestWindow { smallestWindow = min(smallestWindow ?? window, window) }
    }
}
