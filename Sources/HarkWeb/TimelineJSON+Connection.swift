import HarkCore
import HarkFormat
import HarkModel
import HarkStore

extension TimelineJSON {
    /// One connection: identity, phases, counters, and its packets (one by one while `packetBudget`
    /// lasts, then aggregated).
    ///
    /// Packets: a flat array, seven numbers per packet: time, TCP flags (| 4096 for server→client),
    /// analysis kinds (`PacketKinds` bits), payload length, relative sequence and acknowledgment (-1 when
    /// unknown), window (scaled when the scale is known). Buckets: nine numbers each: from, to, client
    /// and server packets, client and server bytes, flags, kinds, packets with a kind.
    mutating func connection(_ entry: ConnectionEntry, packetBudget: inout Int) {
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
        json.key("up")
        direction(entry.record?.summary.clientToServer)
        json.key("down")
        direction(entry.record?.summary.serverToClient)
        json.member("exchangeCount", entry.exchangeCount)
        json.member("packetCount", entry.packets.totalPackets)
        packets(entry.packets, budget: &packetBudget)
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

    private mutating func packets(_ series: PacketSeries, budget: inout Int) {
        let kept = series.packets
        let oneByOne = min(kept.count, max(0, budget))
        budget -= oneByOne
        omittedPackets += kept.count - oneByOne
        json.key("packets")
        json.beginArray()
        for fact in kept[..<oneByOne] {
            json.integer(micros(fact.timestamp))
            json.integer(Int(fact.flags.rawValue) | (fact.direction == .serverToClient ? 4096 : 0))
            json.integer(Int(fact.kinds.rawValue))
            json.integer(fact.payloadLength)
            json.integer(fact.relativeSequence ?? -1)
            json.integer(fact.relativeAcknowledgment ?? -1)
            json.integer(fact.scaledWindow ?? Int(fact.window))
        }
        json.endArray()
        json.key("buckets")
        json.beginArray()
        for aggregate in PacketAggregate.fold(kept[oneByOne...], buckets: 256, origin: origin) {
            bucket(from: aggregate.from, to: aggregate.to, clientPackets: aggregate.clientPackets,
                   serverPackets: aggregate.serverPackets, clientBytes: aggregate.clientBytes,
                   serverBytes: aggregate.serverBytes, flags: aggregate.flags, kinds: aggregate.kinds,
                   problems: aggregate.problemPackets)
        }
        for stored in series.buckets {
            bucket(from: micros(stored.from), to: micros(stored.to), clientPackets: stored.clientPackets,
                   serverPackets: stored.serverPackets, clientBytes: stored.clientBytes, serverBytes: stored.serverBytes,
                   flags: stored.flags.rawValue, kinds: stored.kinds.rawValue, problems: stored.problemPackets)
        }
        json.endArray()
    }

    private mutating func bucket(
        from: Int64, to: Int64, clientPackets: Int, serverPackets: Int, clientBytes: Int64, serverBytes: Int64,
        flags: UInt16, kinds: UInt16, problems: Int
    ) {
        json.integer(from)
        json.integer(to)
        json.integer(clientPackets)
        json.integer(serverPackets)
        json.integer(clientBytes)
        json.integer(serverBytes)
        json.integer(Int(flags))
        json.integer(Int(kinds))
        json.integer(problems)
    }
}
