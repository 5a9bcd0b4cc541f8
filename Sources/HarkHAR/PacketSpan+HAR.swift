import HarkModel

extension PacketSpan {
    /// The span as HAR's `request._packets` / `response._packets`: `{"first": N, "last": M}`.
    var harValue: HARJSONValue {
        .object([HARJSONMember("first", .integer(Int64(first))), HARJSONMember("last", .integer(Int64(last)))])
    }
}
