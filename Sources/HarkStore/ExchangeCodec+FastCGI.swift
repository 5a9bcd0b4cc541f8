import HarkCore
import HarkModel

/// The FastCGI facts and linked hops of an exchange in a detail record.
extension ExchangeCodec {
    static func writeHops(_ exchange: Exchange, to writer: inout RecordWriter) {
        writer.optional(exchange.fastCGI) { writer, call in
            writer.int(call.requestID)
            writer.string(call.role)
            writer.bool(call.keepsConnection)
            writer.optional(call.appStatus) { $0.int($1) }
            writer.optional(call.protocolStatus) { $0.string($1) }
            writer.string(call.stderr)
            writer.int(call.stderrLength)
            writer.int(call.paramsLength)
        }
        for link in [exchange.upstream, exchange.downstream] {
            writer.optional(link) { writer, link in
                writer.int(link.exchangeID)
                writer.int(link.connectionID)
                writer.endpoint(link.peer)
                writer.int(Int(link.duration.nanoseconds))
            }
        }
    }

    static func readHops(_ reader: inout RecordReader, into exchange: inout Exchange) throws(RecordReader.Malformed) {
        exchange.fastCGI = try reader.optional { r throws(RecordReader.Malformed) in
            FastCGISummary(
                requestID: try r.int(), role: try r.string(), keepsConnection: try r.bool(),
                appStatus: try r.optional { r throws(RecordReader.Malformed) in try r.int() },
                protocolStatus: try r.optional { r throws(RecordReader.Malformed) in try r.string() },
                stderr: try r.string(), stderrLength: try r.int(), paramsLength: try r.int()
            )
        }
        let readLink = { (r: inout RecordReader) throws(RecordReader.Malformed) -> HopLink in
            HopLink(exchangeID: try r.int(), connectionID: try r.int(), peer: try r.endpoint(), duration: TimeSpan(nanoseconds: Int64(try r.int())))
        }
        exchange.upstream = try reader.optional(readLink)
        exchange.downstream = try reader.optional(readLink)
    }
}
