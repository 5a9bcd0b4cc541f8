import HarkCore
import HarkFormat
import HarkModel
import HarkStore

extension TimelineJSON {
    /// One connection: identity, phases, counters, its packets (one by one while `packetBudget` lasts,
    /// then aggregated into at most `buckets` buckets) and its messages.
    ///
    /// Packets: a flat array, seven numbers per packet: time, TCP flags (| 4096 for server→client),
    /// analysis kinds (`PacketKinds` bits), payload length, relative sequence and acknowledgment (null
    /// when unknown), window (scaled when the scale is known). Time is a delta from the previous
    /// packet's (the first from 0); sequence, acknowledgment and window are deltas from the previous
    /// known value in the same direction. Buckets: nine numbers each: from (a delta from the previous
    /// bucket's from), to (after from), client and server packets, client and server bytes, flags,
    /// kinds, packets with a kind. Messages: see `messages(_:)`.
    mutating func connection(_ entry: ConnectionEntry, packetBudget: inout Int, buckets: Int) {
        let info = entry.info
        json.beginObject()
        json.member("id", info.id)
        json.member("client", info.client.description)
        json.member("server", info.server.description)
        json.member("protocol", entry.record?.applicationProtocol.rawValue ?? "unknown")
        json.member("start", micros(info.firstTimestamp))
        json.member("end", micros(lastTime(entry)))
        json.key("open")
        json.bool(entry.record == nil)
        json.key("endReason")
        if let record = entry.record { json.string(record.summary.endDescription) } else { json.string("open") }
        json.key("rtt")
        if let rtt = entry.record?.summary.handshakeRoundTrip { json.integer(rtt.nanoseconds / 1000) } else { json.null() }
        handshake(entry.events)
        json.key("closing")
        if let closing = entry.events.first(where: { $0.kind == .fin || $0.kind == .reset }) {
            json.integer(micros(closing.timestamp))
        } else {
            json.null()
        }
        tls(entry.tls)
        quic(entry.record?.quic)
        json.key("up")
        direction(entry.record?.summary.clientToServer)
        json.key("down")
        direction(entry.record?.summary.serverToClient)
        json.member("exchangeCount", entry.exchangeCount)
        json.member("packetCount", entry.packets.totalPackets)
        packets(entry.packets, budget: &packetBudget, buckets: buckets)
        messages(entry)
        json.endObject()
    }

    private func lastTime(_ entry: ConnectionEntry) -> Timestamp {
        var last = entry.record?.summary.lastTimestamp ?? entry.info.firstTimestamp
        if let packet = entry.packets.packets.last { last = max(last, packet.timestamp) }
        if let bucket = entry.packets.buckets.last { last = max(last, bucket.to) }
        return last
    }

    private mutating func handshake(_ events: [TCPEvent]) {
        json.key("handshake")
        let syn = events.first { $0.kind == .syn }
        let done = events.first { if case .handshakeComplete = $0.kind { true } else { false } }
        guard let syn, let done else {
            json.null()
            return
        }
        json.beginObject()
        json.member("syn", micros(syn.timestamp))
        json.member("done", micros(done.timestamp))
        json.endObject()
    }

    private mutating func tls(_ tls: TLSSummary?) {
        json.key("tls")
        guard let tls else {
            json.null()
            return
        }
        json.beginObject()
        optionalTime("start", tls.clientHelloTime)
        optionalTime("end", tls.handshakeCompletedTime)
        json.member("version", tls.version)
        json.member("cipherSuite", tls.cipherSuite)
        optionalString("serverName", tls.serverName)
        optionalString("alpn", tls.alpn)
        json.key("decrypted")
        json.bool(tls.isDecrypted)
        optionalString("reason", tls.notDecryptedReason)
        json.endObject()
    }

    /// A QUIC connection's own facts (null for TCP, and for a QUIC connection still open).
    private mutating func quic(_ quic: QUICSummary?) {
        json.key("quic")
        guard let quic else {
            json.null()
            return
        }
        json.beginObject()
        json.member("version", quic.version)
        json.member("packets", quic.packets)
        json.member("undecryptedPackets", quic.undecryptedPackets)
        json.member("keyUpdates", quic.keyUpdates)
        json.member("earlyDataPackets", quic.earlyDataPackets)
        optionalString("closed", quic.closed)
        json.endObject()
    }

    private mutating func direction(_ statistics: DirectionStatistics?) {
        guard let statistics else {
            json.null()
            return
        }
        json.beginObject()
        json.member("packets", statistics.packets)
        json.member("bytes", statistics.payloadBytes)
        json.member("retransmissions", statistics.retransmissions)
        json.member("outOfOrder", statistics.outOfOrder)
        json.member("gaps", statistics.gaps)
        json.member("gapBytes", statistics.gapBytes)
        json.member("duplicateAcks", statistics.duplicateAcks)
        json.member("zeroWindows", statistics.zeroWindows)
        json.endObject()
    }

    private mutating func packets(_ series: PacketSeries, budget: inout Int, buckets: Int) {
        let kept = series.packets
        let oneByOne = min(kept.count, max(0, budget))
        budget -= oneByOne
        omittedPackets += kept.count - oneByOne
        json.key("packets")
        json.beginArray()
        var previousTime: Int64 = 0
        // Last known sequence, acknowledgment and window, client→server then server→client.
        var last: [Int64] = [0, 0, 0, 0, 0, 0]
        for fact in kept[..<oneByOne] {
            let time = micros(fact.timestamp)
            json.integer(time - previousTime)
            previousTime = time
            let down = fact.direction == .serverToClient
            json.integer(Int(fact.flags.rawValue) | (down ? 4096 : 0))
            json.integer(Int(fact.kinds.rawValue))
            json.integer(fact.payloadLength)
            let base = down ? 3 : 0
            delta(fact.relativeSequence, slot: base, last: &last)
            delta(fact.relativeAcknowledgment, slot: base + 1, last: &last)
            delta(Int64(fact.scaledWindow ?? Int(fact.window)), slot: base + 2, last: &last)
        }
        json.endArray()
        json.key("buckets")
        json.beginArray()
        var previousFrom: Int64 = 0
        for aggregate in PacketAggregate.fold(kept[oneByOne...], buckets: buckets, origin: origin) {
            bucket(aggregate, after: &previousFrom)
        }
        for stored in series.buckets {
            let aggregate = PacketAggregate(
                from: micros(stored.from), to: micros(stored.to), clientPackets: stored.clientPackets,
                serverPackets: stored.serverPackets, clientBytes: stored.clientBytes, serverBytes: stored.serverBytes,
                flags: stored.flags.rawValue, kinds: stored.kinds.rawValue, problemPackets: stored.problemPackets
            )
            bucket(aggregate, after: &previousFrom)
        }
        json.endArray()
    }

    /// `value` as a delta from the last known value in `slot`, or null when unknown.
    private mutating func delta(_ value: Int64?, slot: Int, last: inout [Int64]) {
        guard let value else {
            json.null()
            return
        }
        json.integer(value &- last[slot])
        last[slot] = value
    }

    private mutating func bucket(_ aggregate: PacketAggregate, after previousFrom: inout Int64) {
        json.integer(aggregate.from - previousFrom)
        previousFrom = aggregate.from
        json.integer(aggregate.to - aggregate.from)
        json.integer(aggregate.clientPackets)
        json.integer(aggregate.serverPackets)
        json.integer(aggregate.clientBytes)
        json.integer(aggregate.serverBytes)
        json.integer(Int(aggregate.flags))
        json.integer(Int(aggregate.kinds))
        json.integer(aggregate.problemPackets)
    }
}
