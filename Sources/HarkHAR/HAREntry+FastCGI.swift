import HarkCore
import HarkModel

extension HAREntry {
    /// `_fastcgi` for a FastCGI exchange (`requestId`, `role`, `keepConnection`, `appStatus`,
    /// `protocolStatus`, `stderr` as kept, `stderrSize`), and for either hop of a linked pair `_id` with
    /// `_upstream` or `_downstream` (`id`, `connection`, `address`, `time` in ms): the entry the other
    /// hop's `_id` names.
    static func fastCGIMembers(_ exchange: Exchange) -> [HARJSONMember] {
        var members: [HARJSONMember] = []
        if let fastCGI = exchange.fastCGI {
            members.append(HARJSONMember("_fastcgi", .object([
                HARJSONMember("requestId", .integer(Int64(fastCGI.requestID))),
                HARJSONMember("role", .string(fastCGI.role)),
                HARJSONMember("keepConnection", .bool(fastCGI.keepsConnection)),
                HARJSONMember("appStatus", fastCGI.appStatus.map { .integer(Int64($0)) } ?? .null),
                HARJSONMember("protocolStatus", fastCGI.protocolStatus.map(HARJSONValue.string) ?? .null),
                HARJSONMember("stderr", .string(fastCGI.stderr)),
                HARJSONMember("stderrSize", .integer(Int64(fastCGI.stderrLength))),
            ])))
        }
        guard exchange.upstream != nil || exchange.downstream != nil else { return members }
        members.append(HARJSONMember("_id", .integer(Int64(exchange.id))))
        for (name, link) in [("_upstream", exchange.upstream), ("_downstream", exchange.downstream)] {
            guard let link else { continue }
            members.append(HARJSONMember(name, .object([
                HARJSONMember("id", .integer(Int64(link.exchangeID))),
                HARJSONMember("connection", .integer(Int64(link.connectionID))),
                HARJSONMember("address", .string(link.peer.description)),
                HARJSONMember("time", .number(link.duration.milliseconds)),
            ])))
        }
        return members
    }
}
